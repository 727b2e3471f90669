// Refresh tokens are single-use: serialise refreshes across tabs so two tabs never present the same cookie.
const refreshUrl = '/app/session/refresh';
const refreshHeader = 'X-TaskFlow-Session';

function refresh(url, header) {
  const run = async () => {
    const response = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { [header]: '1' } });
    // One string (status, newline, body): the app reads it without a JSON object model.
    return response.status + '\n' + await response.text();
  };
  if (navigator.locks && navigator.locks.request) return navigator.locks.request('taskflow-session', run);
  return run();
}

// Every page renews the session as soon as the app runs (SessionService.Initialize). Start that renewal now, while
// WebAssembly downloads and starts, and hand its answer to the app's first refresh: one round trip off every page load.
let early = refresh(refreshUrl, refreshHeader);
early.catch(() => { /* the app's own call sees the failure */ });

window.taskflowSession = {
  // The load-time answer, for js/api.js to start the board's first reads with its token (never consumed there).
  first: early,
  refresh: async function (url, header) {
    if (early !== null && url === refreshUrl && header === refreshHeader) {
      const answer = early;
      early = null;
      return await answer;
    }
    return await refresh(url, header);
  }
};
