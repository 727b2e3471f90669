// Small page-wide helpers the app calls by name (loaded before blazor.web.js).

// Diagnostics only: with `?perf` in the page's address the app leaves start-up marks ("tf:…") on the performance
// timeline (src/Web.Client/Diagnostics/Perf.cs; bench/web.sh reads them). Without it nothing is recorded.
const perfEnabled = /[?&]perf(=|&|$)/.test(location.search);
window.taskflowPerf = {
  enabled: () => perfEnabled,
  mark: name => { if (perfEnabled) performance.mark('tf:' + name); }
};

// Resolves once the browser has painted what is on the screen now (the next frame, then the task after it): the board
// renders its first cards, waits for this, then renders the rest.
window.taskflowAfterPaint = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
