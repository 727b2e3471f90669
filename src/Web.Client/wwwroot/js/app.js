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
    unregister: ref => { if (board === ref) board = null; },
    // After a keyboard move the card is rendered anew in its column: give it (or a list row's link) the focus back.
    focusCard: id => requestAnimationFrame(() => {
      const card = document.querySelector(`[data-task-id="${id}"]`);
      if (card) { card.focus(); card.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }
    }),
    // The palette's "Create task": the first column's quick-add field.
    focusQuickAdd: () => document.querySelector('[data-testid=quick-add] input, input[id^=quick-add-]')?.focus()
  };
  // The keyboard on a focused card: Enter or Space opens it; Alt (or Ctrl) with an arrow moves it to the next or previous
  // column, or up and down in its column, through the same move as a drop.
  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  document.addEventListener('keydown', e => {
    const card = e.target instanceof Element && e.target.matches('[data-testid=task-card]') ? e.target : null;
    if (!card || e.isComposing) return;
    if ((e.key === 'Enter' || e.key === ' ') && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      card.click();
      return;
    }
    const arrow = arrows[e.key];
    if (arrow && (e.altKey || e.ctrlKey) && !e.shiftKey && !e.metaKey) {
      e.preventDefault();
      if (card.closest('[data-task]')?.getAttribute('draggable') === 'true')
        board?.invokeMethodAsync('MoveBy', card.dataset.taskId, arrow[0], arrow[1]);
    }
  });
  // The server answers again after a time offline (js/api.js): the board reloads what it may have missed.
  window.addEventListener('taskflow-online', () => board?.invokeMethodAsync('Online'));
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

// Sign-in and sign-up forms are prerendered: visible (and typed into) before WebAssembly has started, which then renders
// them anew, empty. What is typed into a form marked data-keep-typed is kept here by input id until the app takes it
// (Components/TypedBeforeStart.cs); keys typed into the new field before that are added to what the old one held. A
// submit before the app has started does nothing (the app's own submit runs once it has).
(() => {
  const typed = new Map();
  let focused = null;
  const formOf = el => el instanceof HTMLInputElement && el.id ? el.closest('form[data-keep-typed]') : null;
  document.addEventListener('input', e => {
    if (!formOf(e.target)) return;
    const entry = typed.get(e.target.id);
    if (!entry) typed.set(e.target.id, { element: e.target, prefix: '', value: e.target.value });
    else if (entry.element === e.target) entry.value = entry.prefix + e.target.value;
    else { entry.prefix = entry.value; entry.element = e.target; entry.value = entry.prefix + e.target.value; }
  }, true);
  document.addEventListener('focusin', e => { if (formOf(e.target)) focused = e.target.id; }, true);
  document.addEventListener('submit', e => { if (e.target instanceof HTMLFormElement && e.target.matches('form[data-keep-typed]')) e.preventDefault(); }, true);
  window.taskflowTyped = {
    // What was typed per field id (only fields typed into), and the field that had the focus; forgotten once taken.
    take: () => {
      const values = {};
      for (const [id, entry] of typed) values[id] = entry.value;
      typed.clear();
      const result = { values, focused };
      focused = null;
      return result;
    },
    // Puts the focus back where it was, caret at the end.
    refocus: id => {
      const input = id && document.getElementById(id);
      if (!input || document.activeElement === input) return;
      input.focus();
      try { input.setSelectionRange(input.value.length, input.value.length); } catch { }
    }
  };
})();
