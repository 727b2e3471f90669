// Refresh tokens are single-use: serialise refreshes across tabs so two tabs never present the same cookie.
window.taskflowSession = {
  refresh: async function (url, header) {
    const run = async () => {
      const response = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { [header]: '1' } });
      return { status: response.status, body: await response.text() };
    };
    if (navigator.locks && navigator.locks.request) return await navigator.locks.request('taskflow-session', run);
    return await run();
  }
};
