// Runs before the first paint (a plain blocking script in <head>): no flash of the wrong theme.
(function () {
  var choice = localStorage.getItem('ocomms-theme') || 'system';
  var dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  document.documentElement.dataset.themeChoice = choice;
})();
