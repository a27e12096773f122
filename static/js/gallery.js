// The product gallery swipes by itself (CSS scroll-snap); this keeps the "2/5" counter and the
// thumbnails in step with it, and makes a thumbnail scroll the gallery instead of the page.
(() => {
  const track = document.getElementById("gallery-track");
  if (!track) return;
  const counter = document.querySelector("[data-gallery-index]");
  const thumbs = [...document.querySelectorAll("[data-gallery-thumb]")];
  let shown = 0;
  track.addEventListener("scroll", () => {
    const index = Math.round(track.scrollLeft / track.clientWidth);
    if (index === shown) return;
    shown = index;
    if (counter) counter.textContent = String(index + 1);
    thumbs.forEach((thumb, i) => thumb.setAttribute("aria-current", String(i === index)));
  }, { passive: true });
  thumbs.forEach((thumb, i) => {
    thumb.addEventListener("click", (event) => {
      event.preventDefault();
      const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
      track.scrollTo({ left: i * track.clientWidth, behavior: still ? "auto" : "smooth" });
    });
  });
})();
