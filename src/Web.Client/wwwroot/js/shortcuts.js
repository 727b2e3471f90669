// Global keyboard shortcuts: "/" and Ctrl+K (Cmd+K on macOS) open the search, "?" the list of shortcuts.
// Keys typed into a field belong to the field, so nothing fires while an input, select, text area or editable element has focus.
function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function shortcutOf(e) {
  if (e.defaultPrevented || e.isComposing || e.repeat) return null;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') return 'search';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === '/') return 'search';
  if (e.key === '?') return 'shortcuts';
  return null;
}

export function register(dotnet) {
  const onKeyDown = e => {
    const name = shortcutOf(e);
    if (name === null || isTyping(e.target)) return;
    e.preventDefault();
    dotnet.invokeMethodAsync('OnShortcut', name);
  };
  document.addEventListener('keydown', onKeyDown);
  return { dispose: () => document.removeEventListener('keydown', onKeyDown) };
}

export function isMac() {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
