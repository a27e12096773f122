// Print buttons on the pick list and packing slips: <button type="button" data-print hidden>.
// The button is hidden until this script is there to make it work (the CSP forbids inline
// handlers, so the click is wired here).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
  button.hidden = false;
});
