// Small enhancements for every storefront page; each page works without them.
(() => {
  // Menus (<details data-close-outside>, the language menu) close on a click elsewhere or Escape.
  const menus = () => document.querySelectorAll("details[data-close-outside][open], details.lang-menu[open]");
  document.addEventListener("click", (event) => {
    menus().forEach((menu) => { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    menus().forEach((menu) => { menu.open = false; });
    document.querySelectorAll(".drawer.is-open").forEach(closeDrawer);
  });

  // Drawers: a link to "#id" opens the drawer with that id; without JavaScript, :target does.
  function openDrawer(drawer, opener) {
    drawer.classList.add("is-open");
    drawer.opener = opener;
    opener?.setAttribute("aria-expanded", "true");
    document.body.style.overflow = "hidden";
    drawer.querySelector("input, select, button, a")?.focus();
  }
  function closeDrawer(drawer) {
    drawer.classList.remove("is-open");
    drawer.opener?.setAttribute("aria-expanded", "false");
    document.body.style.overflow = "";
    drawer.opener?.focus();
  }
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-drawer-open]");
    if (opener) {
      const drawer = document.getElementById(opener.getAttribute("aria-controls"));
      if (drawer) { event.preventDefault(); openDrawer(drawer, opener); }
      return;
    }
    const drawer = event.target.closest(".drawer.is-open");
    if (drawer && (event.target === drawer || event.target.closest("[data-drawer-close]"))) {
      event.preventDefault();
      closeDrawer(drawer);
    }
  });

  // Quantity steppers: − and + change the number beside them, within its min and max.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-step]");
    if (!button) return;
    const input = button.parentElement.querySelector("input[type=number]");
    if (!input) return;
    event.preventDefault();
    const step = Number(button.dataset.step);
    const min = input.min === "" ? -Infinity : Number(input.min);
    const max = input.max === "" ? Infinity : Number(input.max);
    const next = Math.min(max, Math.max(min, (Number(input.value) || 0) + step));
    if (String(next) === input.value) return;
    input.value = next;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // A form is sent once: its submit buttons wait while it is on its way.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.hasAttribute("hx-post") || form.method.toLowerCase() !== "post") return;
    setTimeout(() => {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach((button) => {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    });
  });
  // Coming back to a page from the history shows its buttons usable again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("button[aria-busy=true]").forEach((button) => {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });
})();

// Summaries that fold away on a phone start open on wide screens.
if (matchMedia("(min-width: 900px)").matches) {
  document.querySelectorAll("details[data-open-wide]").forEach((details) => { details.open = true; });
}
