// Mobile menu: without JavaScript the menu is simply always shown; with it, small screens get
// a disclosure button. No other script runs on public pages.
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!button || !nav) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 47.99em)");
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-collapsed", !open);
  }
  function sync() {
    if (narrow.matches) {
      button.hidden = false;
      setOpen(false);
    } else {
      button.hidden = true;
      nav.classList.remove("is-collapsed");
    }
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
  if (narrow.addEventListener) {
    narrow.addEventListener("change", sync);
  }
  sync();
})();
