// The sidebar's helpers: favourites kept in localStorage (per user), and the "C" key that opens the New task dialog.
// Keys typed into a field belong to the field, and a key pressed while a dialog is open belongs to the dialog.
function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function registerNewTaskKey(dotnet) {
  const onKeyDown = e => {
    if (e.defaultPrevented || e.isComposing || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key !== 'c' && e.key !== 'C') return;
    if (isTyping(e.target) || document.querySelector('.mud-dialog-container')) return;
    e.preventDefault();
    dotnet.invokeMethodAsync('OnNewTaskKey');
  };
  document.addEventListener('keydown', onKeyDown);
  return { dispose: () => document.removeEventListener('keydown', onKeyDown) };
}

export function load(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

export function save(key, value) {
  try { localStorage.setItem(key, value); } catch { /* storage blocked: the choice lasts for this tab */ }
}
