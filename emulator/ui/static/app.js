// The sandbox UI: reads /_sandbox/ui/state whenever the server-sent events say something changed and
// draws the views with textContent only (no data ever goes through innerHTML). Every action calls the
// control API or, for a chat participant, the chat data plane with that user's token, so it causes
// exactly the events those cause.
"use strict";

const $ = (id) => document.getElementById(id);
const CHAT_API = "api-version=2025-03-15";

const ui = {
  view: "phones",
  state: null,
  phone: null,
  mailbox: null,
  email: null,
  emailDetail: null,
  thread: null,
  replyPhone: null,
  tokens: new Map(),
};

/** An element with text (never html) and attributes. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const time = (ms) => new Date(ms).toLocaleTimeString();

function notice(text) {
  const box = $("notice");
  box.textContent = text || "";
  box.hidden = !text;
}

async function api(method, path, body) {
  const response = await fetch(`/_sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error((parsed && parsed.error && parsed.error.message) || `${method} ${path}: ${response.status}`);
  return parsed;
}

/** Runs an action and shows its failure instead of throwing. */
function act(action) {
  return async (event) => {
    if (event && event.preventDefault) event.preventDefault();
    try {
      notice("");
      await action(event);
    } catch (error) {
      notice(error.message || String(error));
    }
  };
}

// ---- live updates ----

let reading = false;
let again = false;

async function refresh() {
  if (reading) {
    again = true;
    return;
  }
  reading = true;
  try {
    ui.state = await api("GET", "ui/state");
    render();
  } catch (error) {
    notice(`Could not read the sandbox: ${error.message}`);
  } finally {
    reading = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function connect() {
  const source = new EventSource("/_sandbox/ui/events");
  source.addEventListener("open", () => {
    $("live").textContent = "live";
    void refresh();
  });
  source.addEventListener("change", () => void refresh());
  source.addEventListener("error", () => {
    $("live").textContent = "reconnecting…";
  });
}

// ---- rendering ----

function render() {
  // Keep the keyboard where it was across a redraw.
  const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : undefined;
  renderPhones();
  renderMailboxes();
  renderChat();
  renderEventGrid();
  renderQuotas();
  renderOperator();
  if (focusKey) {
    const again = [...document.querySelectorAll("[data-key]")].find((node) => node.dataset.key === focusKey);
    if (again) again.focus();
  }
}

function listButton(key, pressed, title, detail, onclick) {
  return el("button", { type: "button", "data-key": key, "aria-pressed": pressed ? "true" : "false", onclick }, title, el("small", {}, detail));
}

function empty(text) {
  return el("p", { className: "empty" }, text);
}

function renderPhones() {
  const phones = ui.state.phones;
  if (!ui.phone && phones.length > 0) ui.phone = phones[0].number;
  const list = phones.map((phone) => {
    const last = phone.messages[phone.messages.length - 1];
    return listButton(`phone:${phone.number}`, phone.number === ui.phone, `${phone.number}${phone.off ? " (off)" : ""}`, last ? last.text : "", () => {
      ui.phone = phone.number;
      render();
    });
  });
  $("phone-list").replaceChildren(...(list.length ? list : [empty("No phone has received or sent anything yet.")]));
  const phone = phones.find((p) => p.number === ui.phone);
  $("phone-reply").hidden = !phone;
  if (!phone) {
    $("phone-head").replaceChildren();
    $("phone-thread").replaceChildren();
    return;
  }
  $("phone-head").replaceChildren(
    ...[
    el("h2", {}, phone.number),
    el("button", { type: "button", "data-key": "phone-power", onclick: act(() => setPhoneOff(phone.number, !phone.off)) }, phone.off ? "Switch the phone on" : "Switch the phone off"),
    el("span", { className: phone.off ? "bad" : "good" }, phone.off ? "off: deliveries fail" : "on"),
    phone.optedOutOf.length ? el("span", { className: "bad" }, `opted out of ${phone.optedOutOf.join(", ")}`) : null,
    ].filter(Boolean),
  );
  $("phone-thread").replaceChildren(
    ...phone.messages.map((m) =>
      el(
        "li",
        { className: m.direction === "in" ? "in" : "out" },
        el("span", { className: "text" }, m.text),
        (m.attachments || []).map((a) => el("img", { src: `/_sandbox/ui/mms/${encodeURIComponent(m.messageId)}/${a.index}`, alt: `MMS image (${a.mimeType})` })),
        el(
          "span",
          { className: "meta" },
          m.direction === "in" ? `texted ${m.to}` : `from ${m.from}`,
          ` · ${time(m.at)} · ${m.segments} segment${m.segments === 1 ? "" : "s"}`,
          m.status ? el("span", { className: `status-${m.status}` }, ` · ${m.status}`) : null,
          m.statusDetails ? ` (${m.statusDetails})` : null,
        ),
      ),
    ),
  );
  // Any number can be texted; those that texted this phone are offered, the latest first.
  const senders = [...new Set(phone.messages.filter((m) => m.direction === "out").map((m) => m.from).reverse())];
  $("phone-senders").replaceChildren(...senders.map((number) => el("option", { value: number })));
  const to = $("phone-reply-to");
  if (ui.replyPhone !== phone.number) {
    ui.replyPhone = phone.number;
    to.value = senders[0] || "";
  }
}

async function setRule(matches, rule, on) {
  const { value } = await api("GET", "rules");
  const others = value.filter((r) => !matches(r));
  await api("PUT", "rules", on ? [rule, ...others] : others);
}

function setPhoneOff(number, off) {
  return setRule(
    (r) => r.match === number && r.outcome === "failed" && r.channel === "sms",
    { match: number, outcome: "failed", channel: "sms", details: "The phone is switched off." },
    off,
  );
}

function textBack(message) {
  const to = $("phone-reply-to").value.trim();
  if (!to) throw new Error("To: type the number to text (e.g. +18005550100).");
  return api("POST", "sms/inbound", { from: ui.phone, to, message });
}

function renderMailboxes() {
  const boxes = ui.state.mailboxes;
  if (!ui.mailbox && boxes.length > 0) ui.mailbox = boxes[0].address;
  const list = boxes.map((box) =>
    listButton(`mailbox:${box.address}`, box.address === ui.mailbox, `${box.address}${box.bounces ? " (bounces)" : ""}`, `${box.emails.length} email(s)`, () => {
      ui.mailbox = box.address;
      ui.email = null;
      render();
    }),
  );
  $("mailbox-list").replaceChildren(...(list.length ? list : [empty("No email was sent yet.")]));
  const box = boxes.find((b) => b.address === ui.mailbox);
  if (!box) {
    $("mailbox-head").replaceChildren();
    $("mailbox-emails").replaceChildren();
    $("email").hidden = true;
    return;
  }
  $("mailbox-head").replaceChildren(
    el("h2", {}, box.address),
    el("button", { type: "button", "data-key": "mailbox-bounce", onclick: act(() => setBounces(box.address, !box.bounces)) }, box.bounces ? "Deliver emails to this mailbox" : "Bounce emails to this mailbox"),
    el("span", { className: box.bounces ? "bad" : "good" }, box.bounces ? "new emails bounce" : "new emails are delivered"),
  );
  const emails = [...box.emails].reverse();
  $("mailbox-emails").replaceChildren(
    ...emails.map((e) =>
      listButton(`email:${e.operationId}`, e.operationId === ui.email, e.subject || "(no subject)", `${e.role} · from ${e.from} · ${time(e.at)} · ${e.delivery}${e.engagements.length ? ` · ${e.engagements.join(", ")}` : ""}`, act(() => openEmail(e.operationId))),
    ),
  );
  const shown = box.emails.find((e) => e.operationId === ui.email);
  $("email").hidden = !shown;
  if (shown && ui.emailDetail && ui.emailDetail.operationId === shown.operationId) renderEmail(box.address, shown);
}

function setBounces(address, bounces) {
  const lower = address.toLowerCase();
  return setRule((r) => r.match.toLowerCase() === lower && r.outcome === "bounced" && r.channel === "email", { match: address, outcome: "bounced", channel: "email" }, bounces);
}

async function openEmail(operationId) {
  ui.email = operationId;
  ui.emailDetail = await api("GET", `email/${encodeURIComponent(operationId)}`);
  const frame = $("email-html");
  if (ui.emailDetail.content.html !== undefined) frame.src = `/_sandbox/ui/email/${encodeURIComponent(operationId)}/html`;
  else frame.removeAttribute("src");
  frame.hidden = ui.emailDetail.content.html === undefined;
  render();
}

const addresses = (list) => (list || []).map((a) => (a.displayName ? `${a.displayName} <${a.address}>` : a.address)).join(", ");

function fields(target, entries) {
  target.replaceChildren(...entries.filter(([, value]) => value !== "" && value !== undefined).flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]));
}

/** The links of the html, read without running or loading anything (a parsed, inert document). */
function linksOf(html) {
  if (!html) return [];
  const doc = new DOMParser().parseFromString(html, "text/html");
  return [...doc.querySelectorAll("a[href]")].map((a) => ({ href: a.getAttribute("href"), text: a.textContent.trim() }));
}

function renderEmail(recipient, summary) {
  const email = ui.emailDetail;
  $("email-subject").textContent = email.content.subject || "(no subject)";
  fields($("email-fields"), [
    ["from", email.senderAddress],
    ["to", addresses(email.recipients.to)],
    ["cc", addresses(email.recipients.cc)],
    ["bcc", addresses(email.recipients.bcc)],
    ["reply-to", addresses(email.replyTo)],
    ["operation", `${email.operationId} · ${email.status}`],
    ["delivery to this mailbox", summary.delivery],
    ["engagement", summary.engagements.join(", ")],
  ]);
  const engage = (engagement, engagementContext) =>
    act(() => api("POST", "email/engagement", { operationId: email.operationId, recipient, engagement, engagementContext }));
  $("email-actions").replaceChildren(
    el("button", { type: "button", "data-key": "email-open", onclick: engage("view") }, "Open it"),
    ...linksOf(email.content.html).map((link, index) =>
      el("button", { type: "button", "data-key": `email-link:${index}`, onclick: engage("click", link.href) }, `Click "${link.text || "link"}" (${link.href})`),
    ),
  );
  $("email-text").textContent = email.content.plainText || "(no text alternative)";
  $("email-attachments").replaceChildren(
    ...(email.attachments.length
      ? email.attachments.map((a, index) => {
          const url = `/_sandbox/ui/email/${encodeURIComponent(email.operationId)}/attachments/${index}`;
          return el(
            "li",
            {},
            el("a", { href: url, download: a.name }, a.name),
            ` · ${a.contentType} · ${Math.round((a.contentInBase64.length * 3) / 4)} bytes`,
            a.contentId ? ` · inline as cid:${a.contentId}` : "",
            /^image\/(png|jpeg|gif|webp|bmp)$/i.test(a.contentType) ? el("img", { src: `${url}?inline`, alt: a.name, className: "thumb", width: 48 }) : null,
          );
        })
      : [el("li", { className: "empty" }, "none")]),
  );
  fields($("email-headers"), Object.entries(email.headers || {}));
}

function renderChat() {
  const threads = ui.state.threads;
  if (!ui.thread && threads.length > 0) ui.thread = threads[threads.length - 1].id;
  const list = [...threads].reverse().map((t) =>
    listButton(`thread:${t.id}`, t.id === ui.thread, t.topic || "(no topic)", `${t.participants.length} participants${t.deleted ? " · deleted" : ""}`, () => {
      ui.thread = t.id;
      render();
    }),
  );
  $("thread-list").replaceChildren(...(list.length ? list : [empty("No chat thread yet.")]));
  const thread = threads.find((t) => t.id === ui.thread);
  $("chat-compose").hidden = !thread || thread.deleted;
  if (!thread) {
    $("thread-head").replaceChildren();
    $("chat-messages").replaceChildren();
    $("chat-typing").textContent = "";
    return;
  }
  // Display names as the participants list or their messages give them; else the id's tail.
  const names = new Map();
  for (const m of thread.messages) if (m.senderDisplayName) names.set(m.senderId, m.senderDisplayName);
  for (const p of thread.participants) if (p.displayName) names.set(p.id, p.displayName);
  const nameOf = (id) => names.get(id) || `user …${String(id).slice(-6)}`;
  $("thread-head").replaceChildren(el("h2", {}, thread.topic || "(no topic)"), el("span", {}, `participants: ${thread.participants.map((p) => nameOf(p.id)).join(", ")}`));
  const readers = new Map();
  for (const receipt of thread.readReceipts) {
    const list = readers.get(receipt.chatMessageId) || [];
    list.push(nameOf(receipt.senderId));
    readers.set(receipt.chatMessageId, list);
  }
  const actor = $("chat-as").value;
  $("chat-messages").replaceChildren(
    ...thread.messages.map((m) => {
      if (m.type !== "text" && m.type !== "html") return el("li", { className: "system" }, `${m.type}${m.content ? `: ${m.content}` : ""}`);
      return el(
        "li",
        { className: m.senderId === actor ? "in" : "out" },
        el("span", { className: "text" }, m.deleted ? "(deleted)" : m.content),
        el(
          "span",
          { className: "meta" },
          `${m.senderDisplayName || nameOf(m.senderId)} · ${time(m.at)}${m.type === "html" ? " · html shown as text" : ""}${m.edited ? " · edited" : ""}`,
          readers.has(m.messageId) ? ` · read by ${readers.get(m.messageId).join(", ")}` : "",
          m.senderId === actor ? null : " ",
          m.senderId === actor ? null : el("button", { type: "button", "data-key": `read:${m.messageId}`, onclick: act(() => readMessage(thread.id, m.messageId)) }, "Read"),
        ),
      );
    }),
  );
  $("chat-typing").textContent = thread.typing.length ? `${thread.typing.map((t) => nameOf(t.userId)).join(", ")} typing…` : "";
  const select = $("chat-as");
  select.replaceChildren(...thread.participants.map((p) => el("option", { value: p.id }, nameOf(p.id))));
  if (thread.participants.some((p) => p.id === actor)) select.value = actor;
  else if (thread.participants.length > 0) select.value = thread.participants[thread.participants.length - 1].id;
}

/** The chat data plane as the chosen participant, with a token the sandbox issues for them. */
async function chatAs(path, body) {
  const userId = $("chat-as").value;
  if (!userId) throw new Error("Choose a participant to act as.");
  let token = ui.tokens.get(userId);
  if (!token) {
    token = (await api("POST", "ui/chat/token", { userId })).token;
    ui.tokens.set(userId, token);
  }
  const response = await fetch(`/chat/threads/${encodeURIComponent(ui.thread)}/${path}?${CHAT_API}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const text = await response.text();
    throw new Error(`the chat service answered ${response.status}: ${text.slice(0, 300)}`);
  }
}

function readMessage(threadId, messageId) {
  ui.thread = threadId;
  return chatAs("readReceipts", { chatMessageId: messageId });
}

function renderEventGrid() {
  const eg = ui.state.eventGrid;
  const rows = (target, items, cells, none) =>
    $(target)
      .querySelector("tbody")
      .replaceChildren(...(items.length ? items.map((item) => el("tr", {}, cells(item).map((cell) => el("td", {}, cell)))) : [el("tr", {}, el("td", { colspan: 5, className: "empty" }, none))]));
  rows("eg-subscriptions", eg.subscriptions, (s) => [s.name, s.endpoint, s.includedEventTypes.join(", ") || "all", s.state], "No webhook subscription.");
  rows(
    "eg-events",
    eg.events,
    (e) => [
      time(e.publishedAt),
      e.eventType.replace("Microsoft.Communication.", ""),
      e.subject,
      e.attempts.length ? e.attempts.map((a) => `${a.subscription}: ${a.outcome}, ${a.status || a.error}${a.deliveryCount ? ` (retry ${a.deliveryCount})` : ""}${a.duplicate ? " duplicate" : ""}`).join("\n") : "no subscription took it",
    ],
    "No event yet.",
  );
  $("eg-total").textContent = eg.total > eg.events.length ? `(latest ${eg.events.length} of ${eg.total})` : `(${eg.total})`;
  rows("eg-deadletters", eg.deadLetters, (d) => [d.subscription, d.eventType, d.reason, d.attempts, d.lastHttpStatusCode], "None.");
  const ns = ui.state.namespace;
  $("eg-namespace").replaceChildren(
    ...(ns
      ? [
          el("h2", {}, "Namespace (pull delivery)"),
          el("dl", { className: "fields" }, [
            ["topic / subscription", `${ns.topic} / ${ns.subscription}`],
            ["queue depth", ns.depth],
            ["locked", ns.locked],
            ["dead letters", Array.isArray(ns.deadLetters) ? ns.deadLetters.length : 0],
            ["lock duration (s) / max deliveries", `${ns.lockDurationSeconds} / ${ns.maxDeliveryCount}`],
          ].flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)])),
        ]
      : []),
  );
}

function renderQuotas() {
  const counters = ui.state.quotas.counters;
  fields($("quota-counters"), Object.keys(counters).length ? Object.entries(counters) : [["all channels", "0"]]);
  const throttles = ui.state.quotas.throttles;
  $("quota-throttles")
    .querySelector("tbody")
    .replaceChildren(
      ...(throttles.length
        ? throttles.map((t) => el("tr", {}, el("td", {}, time(t.at)), el("td", {}, `${t.method} ${t.path}`), el("td", {}, t.retryAfterSeconds)))
        : [el("tr", {}, el("td", { colspan: 3, className: "empty" }, "No request was refused with 429."))]),
    );
}

function renderOperator() {
  $("rules").replaceChildren(
    ...(ui.state.rules.length
      ? ui.state.rules.map((r) => el("li", {}, `${r.match} → ${r.outcome}${r.channel ? ` (${r.channel})` : ""}${r.details ? `: ${r.details}` : ""}`))
      : [el("li", { className: "empty" }, "none: everything is delivered")]),
  );
  $("settings").textContent = JSON.stringify(ui.state.settings, null, 2);
}

// ---- views and forms ----

function show(view) {
  ui.view = view;
  for (const button of document.querySelectorAll("nav button")) {
    if (button.dataset.view === view) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${view}`;
  if (location.hash !== `#${view}`) history.replaceState(null, "", `#${view}`);
}

function wire() {
  for (const button of document.querySelectorAll("nav button")) button.addEventListener("click", () => show(button.dataset.view));
  $("phone-reply").addEventListener(
    "submit",
    act(async () => {
      await textBack($("phone-reply-text").value);
      $("phone-reply-text").value = "";
    }),
  );
  $("phone-stop").addEventListener("click", act(() => textBack("STOP")));
  $("phone-start").addEventListener("click", act(() => textBack("START")));
  $("chat-compose").addEventListener(
    "submit",
    act(async () => {
      const thread = ui.state.threads.find((t) => t.id === ui.thread);
      const me = thread && thread.participants.find((p) => p.id === $("chat-as").value);
      const message = { content: $("chat-text").value, type: "text" };
      if (me && me.displayName) message.senderDisplayName = me.displayName;
      await chatAs("messages", message);
      $("chat-text").value = "";
    }),
  );
  $("chat-as").addEventListener("change", () => render());
  $("chat-typing-button").addEventListener("click", act(() => chatAs("typing", {})));
  $("chat-read-latest").addEventListener(
    "click",
    act(() => {
      const thread = ui.state.threads.find((t) => t.id === ui.thread);
      const actor = $("chat-as").value;
      const latest = thread && [...thread.messages].reverse().find((m) => (m.type === "text" || m.type === "html") && m.senderId !== actor);
      if (!latest) throw new Error("No message from another participant to read.");
      return readMessage(thread.id, latest.messageId);
    }),
  );
  $("faults-form").addEventListener(
    "submit",
    act(() => {
      const count = Number($("fault-count").value);
      const rate = Number($("fault-drop").value);
      const faults = {};
      if (count > 0) faults.serverErrors = { count, status: Number($("fault-status").value) };
      if (rate > 0) faults.dropConnections = { rate };
      return api("PUT", "faults", faults);
    }),
  );
  $("faults-clear").addEventListener("click", act(() => api("PUT", "faults", {})));
  $("latency-form").addEventListener("submit", act(() => api("PUT", "latency", { latencyMs: Number($("latency-ms").value) })));
  $("reset").addEventListener(
    "click",
    act(async () => {
      await api("POST", "reset");
      ui.phone = ui.mailbox = ui.email = ui.thread = null;
      ui.emailDetail = null;
    }),
  );
  const fromHash = () => {
    const wanted = location.hash.slice(1);
    show(document.querySelector(`nav button[data-view="${CSS.escape(wanted)}"]`) ? wanted : "phones");
  };
  window.addEventListener("hashchange", fromHash);
  fromHash();
  connect();
}

wire();
