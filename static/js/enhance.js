// With JavaScript, buttons that only exist for shoppers without it are hidden
// (htmx submits quantity changes as they happen).
document.addEventListener("DOMContentLoaded", hideFallbacks);
document.addEventListener("htmx:afterSwap", hideFallbacks);
function hideFallbacks() {
  document.querySelectorAll("[data-hide-with-js]").forEach((element) => {
    element.hidden = true;
  });
}
