// The window title in the page's language: Dash Pages writes the app's (English) title on every route change;
// the language switch's callback (dashboards/app.py) leaves the translated title in window.scnTitle.
(function () {
  function keep() {
    if (window.scnTitle && document.title !== window.scnTitle) { document.title = window.scnTitle; }
  }
  new MutationObserver(keep).observe(document.head, {subtree: true, childList: true, characterData: true});
})();
