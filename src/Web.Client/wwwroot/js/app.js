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

// The board's drag and drop (Pages/Board.razor, Board/BoardColumn.razor): the browser's own, listened to once for the
// page instead of by handlers on every card. A card that may move has draggable="true" and data-task; a column's cards
// sit in a .board-dropzone with data-zone. A drop goes to the board that registered, with the index among the column's
// other cards (how many of them have their middle above the pointer).
(() => {
  let board = null, dragged = null, over = null;
  const setOver = zone => {
    if (over === zone) return;
    over?.classList.remove('board-dropzone-over');
    over = zone;
    zone?.classList.add('board-dropzone-over');
  };
  const end = () => { dragged?.classList.remove('board-dragging'); dragged = null; setOver(null); };
  const zoneOf = e => (dragged && e.target instanceof Element && e.target.closest('.board-dropzone[data-zone]')) || null;
  window.taskflowBoard = {
    register: ref => { board = ref; },
    unregister: ref => { if (board === ref) board = null; }
  };
  document.addEventListener('dragstart', e => {
    const item = e.target instanceof Element && e.target.closest('[data-task]');
    if (!item) return;
    if (item.getAttribute('draggable') !== 'true') { e.preventDefault(); return; }
    dragged = item;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', item.dataset.task);
    item.classList.add('board-dragging');
  });
  document.addEventListener('dragover', e => {
    const zone = zoneOf(e);
    setOver(zone);
    if (zone) { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }
  });
  document.addEventListener('drop', e => {
    const zone = zoneOf(e);
    if (!zone) return;
    e.preventDefault();
    const others = [...zone.querySelectorAll(':scope > [data-task]')].filter(c => c !== dragged);
    const index = others.filter(c => { const r = c.getBoundingClientRect(); return e.clientY > r.top + r.height / 2; }).length;
    const task = dragged.dataset.task;
    end();
    board?.invokeMethodAsync('Drop', task, zone.dataset.zone, index);
  });
  document.addEventListener('dragend', end);
})();
