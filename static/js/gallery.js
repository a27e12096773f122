// Clicking a thumbnail shows it as the main picture instead of opening the file.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-gallery-image]");
  const main = document.getElementById("gallery-main-image");
  if (!link || !main) return;
  event.preventDefault();
  main.src = link.href;
  main.alt = link.querySelector("img").alt;
});
