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

  // Whether the server answers. A request that gets no answer at all (the server is down, the network is gone) shows a
  // banner and starts asking /health/live every few seconds; the first answer (to that or to any request) hides it and
  // raises a 'taskflow-online' event, on which the board reloads what it may have missed (js/app.js).
  const connection = (() => {
    let offline = false, probe = null, banner = null;
    const show = visible => {
      if (!banner && visible) {
        banner = document.createElement('div');
        banner.className = 'offline-banner';
        banner.setAttribute('role', 'status');
        banner.setAttribute('data-testid', 'offline-banner');
        banner.textContent = "Can't reach the server. You can keep looking; changes are not saved until it answers again. Retrying…";
        document.body.appendChild(banner);
      }
      if (banner) banner.hidden = !visible;
    };
    const up = () => {
      if (!offline) return;
      offline = false;
      clearInterval(probe);
      probe = null;
      show(false);
      window.dispatchEvent(new Event('taskflow-online'));
    };
    const down = () => {
      if (offline) return;
      offline = true;
      show(true);
      probe = setInterval(() => {
        fetch('health/live', { cache: 'no-store', credentials: 'same-origin' }).then(r => { if (r.status < 500) up(); }).catch(() => { });
      }, 3000);
    };
    return { up, down, get offline() { return offline; } };
  })();

  window.taskflowApi = {
    isOffline: () => connection.offline,
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
        let response;
        try {
          response = await fetch(url, init);
        } catch (e) {
          if (!controller.signal.aborted) connection.down();
          throw e;
        }
        connection.up();
        return await read(response);
      } finally {
        controllers.delete(id);
      }
    },
    abort: id => { const controller = controllers.get(id); if (controller) controller.abort(); }
  };
})();
