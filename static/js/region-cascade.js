// Province → city → district selects that fill themselves as the shopper chooses.
// Markup: templates/members/partials/region_fields.jinja (a [data-region-cascade] block with
// selects named …province, …city, …district). Without JavaScript the "Update choices" button
// (name="refresh") reloads the lists from the server; with it, the lists come from
// /members/regions/?parent=<code> (or the block's data-regions-url).
(function () {
  "use strict";

  function selectFor(container, level) {
    return (
      container.querySelector('select[data-region="' + level + '"]') ||
      container.querySelector('select[name$="' + level + '"]')
    );
  }

  function clearChoices(select) {
    // Keep the first, empty "Choose a …" option.
    while (select.options.length > 1) {
      select.remove(1);
    }
    select.value = "";
  }

  function fill(select, regions) {
    clearChoices(select);
    regions.forEach(function (region) {
      // The label has the pinyin beside the Chinese name on English pages.
      select.add(new Option(region.label || region.name, region.code));
    });
    if (regions.length === 1) {
      select.value = regions[0].code;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // The refresh button is taken out of the page rather than hidden: a hidden submit button
  // would still be the form's default button, so Enter would reload the lists, not save.
  var removedButtons = new WeakMap();

  function removeRefresh(container) {
    var removed = [];
    container.querySelectorAll('button[name="refresh"]').forEach(function (button) {
      removed.push({ button: button, parent: button.parentNode, next: button.nextSibling });
      button.remove();
    });
    removedButtons.set(container, removed);
    container.querySelectorAll("[data-region-refresh]").forEach(function (element) {
      element.hidden = true;
    });
  }

  function restoreRefresh(container) {
    (removedButtons.get(container) || []).forEach(function (item) {
      item.parent.insertBefore(item.button, item.next);
      item.button.hidden = false;
    });
    removedButtons.set(container, []);
    container.querySelectorAll("[data-region-refresh]").forEach(function (element) {
      element.hidden = false;
    });
  }

  function load(url, parent, select, container) {
    select.setAttribute("aria-busy", "true");
    return fetch(url + "?parent=" + encodeURIComponent(parent), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("regions " + response.status);
        }
        return response.json();
      })
      .then(function (regions) {
        fill(select, regions);
      })
      .catch(function () {
        // Offline or a server error: bring back the button that reloads the lists.
        restoreRefresh(container);
      })
      .finally(function () {
        select.removeAttribute("aria-busy");
      });
  }

  function enhance(container) {
    var url = container.dataset.regionsUrl || "/members/regions/";
    var province = selectFor(container, "province");
    var city = selectFor(container, "city");
    var district = selectFor(container, "district");
    if (!province || !city || !district) {
      return;
    }
    removeRefresh(container);
    province.addEventListener("change", function () {
      clearChoices(city);
      clearChoices(district);
      if (province.value) {
        load(url, province.value, city, container);
      }
    });
    city.addEventListener("change", function () {
      clearChoices(district);
      if (city.value) {
        load(url, city.value, district, container);
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-region-cascade]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
