// The colour theme choice (light, dark or system) lives in localStorage: it is a per-device display preference, not account data.
const key = 'taskflow.theme';
const query = '(prefers-color-scheme: dark)';

export function load() {
  let mode = null;
  try { mode = localStorage.getItem(key); } catch { /* storage blocked */ }
  return { mode: mode ?? 'system', systemDark: window.matchMedia(query).matches };
}

export function save(mode) {
  try { localStorage.setItem(key, mode); } catch { /* storage blocked: the choice lasts for this tab */ }
}

export function watch(dotnet) {
  const list = window.matchMedia(query);
  const onChange = e => dotnet.invokeMethodAsync('OnSystemThemeChanged', e.matches);
  list.addEventListener('change', onChange);
  return { dispose: () => list.removeEventListener('change', onChange) };
}

export function timeZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null; } catch { return null; }
}
