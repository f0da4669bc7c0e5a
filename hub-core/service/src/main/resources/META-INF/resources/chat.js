// Parley web chat: one socket to /ws/chat. The visitor token in localStorage keeps the conversation across
// reloads. A message stays "sending" until the hub says Kafka has it; unconfirmed messages are re-sent with the
// same id after a reconnect, and the hub drops the copy if the first one arrived. Each reply is acknowledged; the
// hub resends unacknowledged replies on the next connection, and this page shows each reply key once.
(() => {
  const TOKEN_KEY = "parley.visitorToken";
  const TRANSCRIPT_KEY = "parley.transcript"; // what this browser showed, so a reload shows it again
  const TRANSCRIPT_LIMIT = 100;
  const SHOWN_KEY = "parley.shownReplies"; // reply keys already shown: the hub resends until acknowledged
  const shown = new Set(JSON.parse(localStorage.getItem(SHOWN_KEY) || "[]"));
  const list = document.getElementById("messages");
  const status = document.getElementById("status");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const pending = new Map(); // client message id -> {text, element}
  let socket = null;
  let retryDelay = 500;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function add(kind, html, isHtml, remember = true) {
    const item = document.createElement("li");
    item.className = kind;
    if (isHtml) item.innerHTML = html; else item.textContent = html; // reply HTML is escaped by the hub
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    if (remember) {
      const transcript = JSON.parse(localStorage.getItem(TRANSCRIPT_KEY) || "[]");
      transcript.push({ kind, html, isHtml });
      localStorage.setItem(TRANSCRIPT_KEY, JSON.stringify(transcript.slice(-TRANSCRIPT_LIMIT)));
    }
    return item;
  }

  function newId() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2))
      .replace(/[^A-Za-z0-9_-]/g, "");
  }

  function send(id) {
    const message = pending.get(id);
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "message", id, text: message.text }));
    }
  }

  function connect() {
    const token = localStorage.getItem(TOKEN_KEY);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${location.host}/ws/chat` + (token ? `?token=${encodeURIComponent(token)}` : "");
    socket = new WebSocket(url);
    socket.onopen = () => { retryDelay = 500; };
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      switch (frame.type) {
        case "welcome":
          localStorage.setItem(TOKEN_KEY, frame.visitorToken);
          setStatus("online", "connected");
          pending.forEach((_, id) => send(id));
          break;
        case "accepted": {
          const message = pending.get(frame.id);
          if (message) { message.element.dataset.state = "accepted"; pending.delete(frame.id); }
          break;
        }
        case "rejected": {
          const message = frame.id && pending.get(frame.id);
          if (frame.status >= 500 || frame.status === 409) { setTimeout(() => frame.id && pending.has(frame.id) && send(frame.id), 1000); break; }
          if (message) {
            message.element.dataset.state = "rejected";
            const note = document.createElement("span");
            note.className = "note";
            note.textContent = frame.reason;
            message.element.appendChild(note);
            pending.delete(frame.id);
          }
          break;
        }
        case "reply":
          if (!shown.has(frame.key)) {
            add("bot", frame.html, true).dataset.replyTo = frame.replyTo || "";
            shown.add(frame.key);
            localStorage.setItem(SHOWN_KEY, JSON.stringify([...shown].slice(-500)));
          }
          socket.send(JSON.stringify({ type: "ack", key: frame.key }));
          break;
      }
    };
    socket.onclose = () => {
      setStatus("offline", "reconnecting…");
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    };
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const id = newId();
    const element = add("user", text, false);
    element.dataset.state = "sending";
    element.dataset.id = id;
    pending.set(id, { text, element });
    input.value = "";
    send(id);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  document.getElementById("new-conversation").addEventListener("click", () => {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TRANSCRIPT_KEY);
    localStorage.removeItem(SHOWN_KEY);
    shown.clear();
    list.replaceChildren();
    if (socket) socket.close();
  });

  JSON.parse(localStorage.getItem(TRANSCRIPT_KEY) || "[]")
    .forEach((entry) => add(entry.kind, entry.html, entry.isHtml, false).dataset.restored = "true");
  connect();
})();
