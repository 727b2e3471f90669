// Global keyboard shortcuts: "/" and Ctrl+K (Cmd+K on macOS) open the command palette, "?" the list of shortcuts,
// J/K move the focus through tasks, S/P/A/L change the focused task.
// Keys typed into a field belong to the field, so nothing fires while an input, select, text area or editable element has focus.
function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

// On a focused task (a board card or a list row, marked with data-task-id), Linear's keys: S status, P priority,
// A assignees, L labels.
const taskKeys = { s: 'status', p: 'priority', a: 'assignee', l: 'labels' };

function shortcutOf(e) {
  if (e.defaultPrevented || e.isComposing || e.repeat) return null;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') return 'search';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === '/') return 'search';
  if (e.key === '?') return 'shortcuts';
  if (e.key === 'j' || e.key === 'J') return 'next';
  if (e.key === 'k' || e.key === 'K') return 'previous';
  if (!e.shiftKey && taskKeys[e.key.toLowerCase()] && focusedTask()) return taskKeys[e.key.toLowerCase()];
  return null;
}

function focusedTask() {
  const active = document.activeElement;
  return active instanceof Element ? active.closest('[data-task-id]') : null;
}

// J and K: the next or previous task on the page (cards column by column, rows top to bottom).
function moveFocus(step) {
  const tasks = [...document.querySelectorAll('[data-task-id]')].filter(t => t.offsetParent !== null);
  if (tasks.length === 0) return;
  const at = tasks.indexOf(focusedTask());
  const next = tasks[at < 0 ? (step > 0 ? 0 : tasks.length - 1) : Math.min(tasks.length - 1, Math.max(0, at + step))];
  next.focus();
  next.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

export function register(dotnet) {
  const onKeyDown = e => {
    const name = shortcutOf(e);
    if (name === null || isTyping(e.target)) return;
    e.preventDefault();
    if (name === 'next' || name === 'previous') { moveFocus(name === 'next' ? 1 : -1); return; }
    const task = focusedTask();
    dotnet.invokeMethodAsync('OnShortcut', name, task ? task.dataset.taskId : null);
  };
  document.addEventListener('keydown', onKeyDown);
  return { dispose: () => document.removeEventListener('keydown', onKeyDown) };
}

export function isMac() {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
