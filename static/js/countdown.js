// Flash-sale and group-buy countdowns: the page says when a sale ends ("Ends 12-01 20:00");
// this turns each such time into a ticking "05:59:59 left" and "Ended" at zero. The words come
// from the element's data-left / data-ended (translated by the page).
(() => {
  const clocks = [...document.querySelectorAll("time[data-countdown]")];
  if (!clocks.length) return;
  const pad = (number) => String(number).padStart(2, "0");
  const tick = () => {
    const now = Date.now();
    for (const clock of clocks) {
      const left = Math.floor((Date.parse(clock.getAttribute("datetime")) - now) / 1000);
      if (Number.isNaN(left)) continue;
      if (left <= 0) {
        clock.textContent = clock.dataset.ended || "";
        continue;
      }
      const hours = Math.floor(left / 3600);
      const shown = `${pad(hours)}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
      clock.textContent = (clock.dataset.left || "%(time)s").replace("%(time)s", shown);
    }
  };
  tick();
  setInterval(tick, 1000);
})();
