// The tab's connection to /v1/realtime/hub through SignalR's JavaScript client (signalr.min.js, @microsoft/signalr,
// fetched on first use). The .NET client would add ~170 KB of compressed assemblies to every first load of the app
// (docs/adr/0014-web-start-up.md); the protocol on the wire is the same (JSON over a WebSocket, negotiate first).
// Realtime/RealtimeClient.cs drives it: start, invoke and stop; messages go to it one at a time, in order.
let library;

function signalR() {
  library ??= new Promise((resolve, reject) => {
    if (window.signalR) { resolve(window.signalR); return; }
    const script = document.createElement('script');
    script.src = new URL('./signalr.min.js', import.meta.url).href;
    script.onload = () => resolve(window.signalR);
    script.onerror = () => { library = undefined; reject(new Error('signalr.min.js could not be loaded')); };
    document.head.appendChild(script);
  });
  return library;
}

// 1 s, 2 s, 4 s … capped at 30 s, with jitter so many tabs do not return at once.
function delay(attempt) {
  return Math.min(30000, 1000 * Math.pow(2, Math.min(attempt - 1, 5))) * (0.75 + Math.random() / 2);
}

export async function create(url, dotnet) {
  const lib = await signalR();
  const connection = new lib.HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory: async () => (await dotnet.invokeMethodAsync('AccessToken')) ?? '' })
    // Reconnects for ever: a null delay would give up.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => delay(Math.min(context.previousRetryCount + 1, 100)) })
    .configureLogging(lib.LogLevel.None)
    .build();

  // As the .NET client did: a message is handled completely before the next one starts.
  let queue = Promise.resolve();
  const deliver = (method, ...args) => {
    queue = queue.then(() => dotnet.invokeMethodAsync(method, ...args)).catch(() => { /* the app logs its own errors */ });
  };
  connection.on('event', e => deliver('OnEvent', JSON.stringify(e)));
  connection.on('notification', n => deliver('OnNotification', JSON.stringify(n)));
  connection.on('unreadCount', n => { if (typeof n?.unreadCount === 'number') deliver('OnUnreadCount', n.unreadCount); });
  connection.onreconnected(() => deliver('OnReconnected'));

  const connected = () => connection.state === lib.HubConnectionState.Connected;
  return {
    start: () => connection.start(),
    // 'ok'; 'refused' when the server answered with an error (e.g. the project is not readable); 'disconnected'.
    invoke: async (method, arg) => {
      if (!connected()) return 'disconnected';
      try {
        await connection.invoke(method, arg);
        return 'ok';
      } catch {
        return connected() ? 'refused' : 'disconnected';
      }
    },
    connected,
    stop: () => connection.stop(),
  };
}
