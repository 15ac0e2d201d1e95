// Runs before the first paint (a classic script in <head>): applies the theme the user
// chose last time, so a dark-mode user never sees a white flash. No choice means the
// system's (prefers-color-scheme in style.css).
(function () {
  try {
    var t = window.localStorage.getItem("gp4u-theme");
    if (t === "dark" || t === "light") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage disabled: follow the system */ }
})();
