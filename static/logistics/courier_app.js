/* The courier app on the phone: the route page keeps working without a network.

- Registers the service worker (/courier/sw.js), which keeps the route page and what it
  loads, so a reload offline still shows the route as last seen.
- Sends each stop action with fetch under a key made here (crypto.randomUUID). When the
  phone is offline, or the server cannot be reached, the action is kept in IndexedDB, the
  stop's card says so, and the queue is sent in order on the "online" event and on every
  page load. Once the server has answered, the page reloads: the server keeps its message
  ("Picked up", or why not) for the stop's card, as for a plain POST. The server acts once per key (logistics/courier_offline.py), so sending an
  action again after a lost answer is safe.
- Without JavaScript the forms are plain POSTs and all of this is skipped.

Texts come translated from the page (#courier-app data attributes). */
(function () {
  "use strict";

  const app = document.getElementById("courier-app");
  if (!app || !window.fetch || !window.indexedDB) {
    return;
  }
  const text = app.dataset;
  const DATABASE = "courier-app";
  const STORE = "actions";
  let flushing = false;

  function openDatabase() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function inStore(mode, work) {
    const database = await openDatabase();
    return new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => {
        database.close();
        resolve(request.result);
      };
      transaction.onerror = () => reject(transaction.error);
    });
  }

  const queue = {
    add: (entry) => inStore("readwrite", (store) => store.put(entry)),
    remove: (key) => inStore("readwrite", (store) => store.delete(key)),
    all: async () => {
      const entries = await inStore("readonly", (store) => store.getAll());
      return entries.sort((a, b) => a.queuedAt - b.queuedAt);
    },
  };

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function csrfToken(fallback) {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : fallback;
  }

  function stopOf(stopId) {
    return document.getElementById("stop-" + stopId);
  }

  function say(stopId, message, kind) {
    const card = stopOf(stopId);
    if (!card) {
      return;
    }
    let note = card.querySelector(".courier-app-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "courier-app-note small mb-0 mt-1";
      card.querySelector(".card-body").appendChild(note);
    }
    note.setAttribute("role", kind === "error" ? "alert" : "status");
    note.dataset.kind = kind;
    note.textContent = message;
  }

  function markQueued(entry, message) {
    const card = stopOf(entry.stop);
    if (card) {
      card.classList.add("is-queued");
      card.querySelectorAll("form button").forEach((button) => {
        button.disabled = true;
      });
    }
    say(entry.stop, message || text.queued, "queued");
  }

  function entryOf(form) {
    const fields = [];
    new FormData(form).forEach((value, name) => {
      if (!(value instanceof File && value.size === 0)) {
        fields.push([name, value]);
      }
    });
    return {
      key: newKey(),
      url: form.action,
      stop: form.closest(".route-stop").id.replace("stop-", ""),
      fields: fields,
      queuedAt: Date.now(),
    };
  }

  /* "done", "refused" (the server answered: drop it from the queue) or "later" (keep it). */
  async function send(entry) {
    if (!navigator.onLine) {
      return { state: "later" };
    }
    const body = new FormData();
    entry.fields.forEach(([name, value]) => body.append(name, value));
    const token = csrfToken(body.get("csrfmiddlewaretoken"));
    body.set("csrfmiddlewaretoken", token);
    body.set("action_key", entry.key);
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token, "Idempotency-Key": entry.key },
      });
    } catch (error) {
      return { state: "later" };
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/json")) {
      const answer = await response.json();
      return { state: answer.ok ? "done" : "refused", message: answer.message };
    }
    if (response.status === 404) {
      return { state: "refused" }; // the stop is no longer on the courier's route
    }
    // Signed out (the login page), a stale CSRF token or a server error: try again later.
    return { state: "later", message: text.notSent };
  }

  async function submitted(event) {
    const form = event.target;
    if (!form.closest || !form.closest(".route-stop") || form.method.toLowerCase() !== "post") {
      return;
    }
    event.preventDefault();
    const entry = entryOf(form);
    form.querySelectorAll("button").forEach((button) => {
      button.disabled = true;
    });
    if ((await queue.all()).length) {
      // Older actions wait to be sent: this one goes after them, so the order is kept.
      await queue.add(entry);
      markQueued(entry);
      flush();
      return;
    }
    const result = await send(entry);
    if (result.state === "later") {
      await queue.add(entry);
      markQueued(entry, result.message);
    } else {
      // Done or refused: the server keeps its message for the stop's card, as it does for
      // a plain POST, and the reload shows the route as the server has it now.
      window.location.reload();
    }
  }

  /* Sends the queue in the order it was made (a pickup before its delivery); stops at the
  first action that cannot be sent yet, so the order is kept. */
  async function flush() {
    if (flushing || !navigator.onLine) {
      return;
    }
    flushing = true;
    let answered = 0;
    try {
      for (const entry of await queue.all()) {
        say(entry.stop, text.sending, "queued");
        const result = await send(entry);
        if (result.state === "later") {
          markQueued(entry, result.message);
          break;
        }
        await queue.remove(entry.key);
        answered += 1;
      }
    } finally {
      flushing = false;
    }
    if (answered) {
      window.location.reload(); // the route as the server has it now
    }
  }

  function showNetwork() {
    const status = document.getElementById("courier-app-status");
    if (!status) {
      return;
    }
    status.dataset.online = navigator.onLine ? "true" : "false";
    status.textContent = navigator.onLine
      ? app.dataset.offlineReady === "true" ? text.ready : ""
      : text.offline;
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "cached") {
        app.dataset.offlineReady = "true";
        showNetwork();
      }
    });
    navigator.serviceWorker.startMessages();
    navigator.serviceWorker.register(text.worker, { scope: text.scope }).catch(() => {});
    navigator.serviceWorker.ready.then((registration) => {
      const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
      const page = window.location.href.split("#")[0];
      registration.active.postMessage({ type: "cache", urls: [page].concat(loaded) });
    });
  }

  function toggleCodeRequired(event) {
    const choice = event.target;
    if (choice.name !== "handed_over") {
      return;
    }
    const form = choice.form;
    const code = form.querySelector("input[name=code]");
    if (code) {
      code.required = choice.value === "recipient";
    }
    const photo = form.querySelector("input[name=photo]");
    if (photo) {
      photo.required = choice.value === "safe_place";
    }
    const name = form.querySelector("input[name=received_by]");
    if (name) {
      name.required = choice.value === "neighbour";
    }
  }

  async function start() {
    const status = document.createElement("p");
    status.id = "courier-app-status";
    status.className = "courier-app-status small";
    status.setAttribute("role", "status");
    const anchor = document.querySelector(".route-progress");
    if (anchor) {
      anchor.after(status);
    }
    document.addEventListener("submit", submitted);
    document.addEventListener("change", toggleCodeRequired);
    document.querySelectorAll("input[name=handed_over]:checked").forEach((choice) => {
      toggleCodeRequired({ target: choice });
    });
    window.addEventListener("online", () => {
      showNetwork();
      flush();
    });
    window.addEventListener("offline", showNetwork);
    showNetwork();
    registerWorker();
    (await queue.all()).forEach((entry) => markQueued(entry));
    flush();
  }

  start();
})();
