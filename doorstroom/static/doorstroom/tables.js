// A table wider than the screen scrolls inside its own box (site.css); it is made focusable
// then, so that it can be scrolled with the keyboard too (WCAG 2.1.1). A static file: the
// Content-Security-Policy allows no inline script.
function focusableWhenScrolling() {
  document.querySelectorAll(".table").forEach((table) => {
    if (table.scrollWidth > table.clientWidth) {
      table.tabIndex = 0;
    } else {
      table.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableWhenScrolling);
window.addEventListener("resize", focusableWhenScrolling);
