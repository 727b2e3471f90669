// The app's API calls go through the browser's fetch (src/Web.Client/Api/FetchTransport.cs): bodies as bytes both ways,
// no HttpClient in the download (docs/adr/0017-web-third-pass.md). Loaded after session.js, before blazor.web.js.
(() => {
  const controllers = new Map();

  async function read(response) {
    const body = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status, statusText: response.statusText, etag: response.headers.get('etag'),
      contentType: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), body
    };
  }

  // The board's first reads, started here as soon as the load-time session renewal answers, while WebAssembly is still
  // downloading and starting. Each answer is handed once to the app's first identical request (same address, same
  // token, a GET with no other header); anything else, or an answer not taken within a minute, is not used.
  const early = new Map();
  const earlyLifetime = 60_000;

  function takeEarly(method, url, headers) {
    if (method !== 'GET' || headers.length !== 2 || headers[0] !== 'Authorization') return null;
    const key = new URL(url, document.baseURI).href;
    const entry = early.get(key);
    if (!entry || entry.auth !== headers[1]) return null;
    early.delete(key);
    return entry.answer;
  }

  function startEarly(path, auth) {
    const key = new URL(path, document.baseURI).href;
    const answer = fetch(key, { headers: { Authorization: auth }, credentials: 'same-origin' }).then(read);
    const entry = { auth, answer };
    early.set(key, entry);
    setTimeout(() => { if (early.get(key) === entry) early.delete(key); }, earlyLifetime);
    return answer;
  }

  const json = answer => JSON.parse(new TextDecoder().decode(answer.body));

  // The URLs are the ones Pages/Board.razor asks for first (ProjectsApi, TasksApi.ColumnPage, WorkspacesApi.Members);
  // BoardFirstReadsTests checks that each is requested once per load.
  function startBoard(projectId, auth) {
    startEarly(`v1/projects/${projectId}`, auth).then(project => {
      if (project.status === 200) startEarly(`v1/workspaces/${json(project).workspaceId}/members`, auth);
    }).catch(() => { });
    startEarly(`v1/projects/${projectId}/statuses`, auth).then(statuses => {
      if (statuses.status !== 200) return;
      for (const status of json(statuses))
        startEarly(`v1/projects/${projectId}/tasks?status=${status.id}&sort=rank&limit=100`, auth).catch(() => { });
    }).catch(() => { });
  }

  const board = /^\/projects\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(location.pathname);
  if (board && window.taskflowSession && window.taskflowSession.first) {
    window.taskflowSession.first.then(answer => {
      if (!answer.startsWith('200\n')) return;
      startBoard(board[1].toLowerCase(), 'Bearer ' + JSON.parse(answer.slice(4)).accessToken);
    }).catch(() => { });
  }

  window.taskflowApi = {
    send: async (id, method, url, headers, bodyType, body, fileField, fileName, fileType) => {
      const answer = takeEarly(method, url, headers);
      if (answer) {
        try {
          return await answer;
        } catch {
          // The early request failed (network): send it again.
        }
      }
      const controller = new AbortController();
      controllers.set(id, controller);
      try {
        const init = { method, headers: new Headers(), credentials: 'same-origin', signal: controller.signal };
        for (let i = 0; i + 1 < headers.length; i += 2) init.headers.append(headers[i], headers[i + 1]);
        if (fileName != null) {
          init.body = new FormData();
          init.body.append(fileField, new Blob([new Uint8Array(body)], { type: fileType }), fileName);
        } else if (body != null) {
          init.body = new Uint8Array(body);
          if (bodyType) init.headers.set('Content-Type', bodyType);
        }
        return await read(await fetch(url, init));
      } finally {
        controllers.delete(id);
      }
    },
    abort: id => { const controller = controllers.get(id); if (controller) controller.abort(); }
  };
})();
