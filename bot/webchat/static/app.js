// The web chat page: a session token in localStorage, messages sent with an id of their own
// (a retry sends the same id, so it has no second effect), the bot's messages fetched with a
// long poll. Every text of the page comes from the server's catalogue (#ui, /webchat/api/ui).
(function () {
  'use strict';

  var API = '/webchat/api/';
  var KEY = {
    token: 'insidebot.webchat.token',
    lang: 'insidebot.webchat.lang',
    persona: 'insidebot.webchat.persona',
    personas: 'insidebot.webchat.personas',
    sent: 'insidebot.webchat.sent',
    erased: 'insidebot.webchat.erased'
  };
  var MAX_SENT = 100;
  var PAGE = 50; // the most messages one fetch returns

  function $(id) { return document.getElementById(id); }

  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: the session lasts the page */ } },
    del: function (k) { try { localStorage.removeItem(k); } catch (e) { /* nothing kept */ } },
    json: function (k, def) { try { return JSON.parse(store.get(k)) || def; } catch (e) { return def; } }
  };

  var ui = JSON.parse($('ui').textContent);
  var state = {
    token: store.get(KEY.token),
    lastId: 0,
    gen: 0,          // the session generation: a poll of an older session stops
    poll: null,      // the AbortController of the running poll
    sent: [],        // this session's own messages, to show them among the bot's after a reload
    persona: store.get(KEY.persona) || '',
    invite: '',      // the invite code a new session is opened with (its language comes first)
    erased: false    // the person's data was deleted: the page says so, and takes nothing more
  };

  function t(key, vars) {
    var s = (ui.texts && ui.texts[key]) || '';
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(vars[k]); });
    return s;
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function newId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  // --- the page's own texts ---------------------------------------------------------------

  function applyUI(u) {
    ui = u;
    document.documentElement.lang = u.lang;
    document.documentElement.dir = u.rtl ? 'rtl' : 'ltr';
    document.title = t('title');
    document.querySelectorAll('[data-text]').forEach(function (el) { el.textContent = t(el.getAttribute('data-text')); });
    document.querySelectorAll('[data-placeholder]').forEach(function (el) { el.placeholder = t(el.getAttribute('data-placeholder')); });
    document.querySelectorAll('[data-label]').forEach(function (el) {
      el.setAttribute('aria-label', t(el.getAttribute('data-label')));
      el.title = t(el.getAttribute('data-label'));
    });
  }

  function loadUI(lang) {
    if (!lang || lang === ui.lang) { return Promise.resolve(); }
    return api('GET', 'ui?lang=' + encodeURIComponent(lang)).then(function (r) {
      if (r.status === 200) { applyUI(r.body); store.set(KEY.lang, r.body.lang); }
    }, function () { /* keep the current texts */ });
  }

  function setStatus(key) { $('status').textContent = key ? t(key) : ''; }

  // --- the API -----------------------------------------------------------------------------

  function api(method, path, body, signal) {
    var headers = { 'Accept': 'application/json' };
    var form = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !form) { headers['Content-Type'] = 'application/json'; }
    if (state.token) { headers['Authorization'] = 'Bearer ' + state.token; }
    return fetch(API + path, {
      method: method, headers: headers, signal: signal, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : (form ? body : JSON.stringify(body))
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (b) {
        return { status: resp.status, body: b, retryAfter: b.retry_after_ms || 2000 };
      });
    });
  }

  // --- rendering ---------------------------------------------------------------------------

  // A web address, or a run of digits that may be a phone number (telOf decides).
  var linkPattern = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]|\+?\d[\d .\-]{1,18}\d/g;

  // telOf is the number to call for a run of digits that is a phone number ("" when it is
  // not): an international number (+39..., 0039...), an Italian landline (0...), mobile
  // (3...) or free number (800..., 803...), or an emergency number standing alone (112,
  // 113, 115, 118, 1522). Dates, times, amounts, codes (MI-007) and ids stay text.
  function telOf(s, before) {
    if (before && /[\w#\/:.,\-+@]/.test(before)) { return ''; }
    if (/^\d{1,2}[.\-]\d{1,2}[.\-]\d{2,4}$/.test(s)) { return ''; }
    var compact = s.replace(/[ .\-]/g, '');
    if (/^(\+|00)/.test(compact)) {
      var digits = compact.replace(/^(\+|00)/, '');
      return /^\d{8,15}$/.test(digits) ? '+' + digits : '';
    }
    if (s.indexOf('.') >= 0) { return ''; }
    if (/^(112|113|115|118|1522)$/.test(s)) { return s; }
    if (/^0\d{5,10}$/.test(compact) || /^3\d{8,9}$/.test(compact) || /^80[03]\d{3,6}$/.test(compact)) { return compact; }
    return '';
  }

  // appendText writes text with its web addresses and phone numbers as links; never as HTML.
  function appendText(el, text) {
    var last = 0;
    text.replace(linkPattern, function (found, at) {
      var a = document.createElement('a');
      if (/^https?:/.test(found)) {
        a.href = found;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      } else {
        var tel = telOf(found, text.charAt(at - 1));
        if (!tel) { return found; }
        a.href = 'tel:' + tel;
        a.className = 'tel';
      }
      a.textContent = found;
      el.appendChild(document.createTextNode(text.slice(last, at)));
      el.appendChild(a);
      last = at + found.length;
      return found;
    });
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function safeURL(u) { return /^(https?:|tel:|mailto:)/i.test(u || ''); }

  function bytesOf(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function hideEmpty() { $('empty').hidden = true; }

  function scrollDown() { var log = $('log'); log.scrollTop = log.scrollHeight; }

  function speaker(key) {
    var s = document.createElement('span');
    s.className = 'sr-only';
    s.textContent = t(key) + ': ';
    return s;
  }

  function renderBot(m) {
    if (m.id <= state.lastId) { return; }
    flushSent(m.id);
    state.lastId = m.id;
    hideEmpty();
    var el = document.createElement('div');
    el.className = 'msg bot';
    el.dir = m.rtl ? 'rtl' : 'ltr';
    if (m.lang) { el.lang = m.lang; }
    el.setAttribute('data-id', String(m.id));
    var p = document.createElement('p');
    p.className = 'text';
    p.appendChild(speaker('bot_name'));
    appendText(p, m.text || '');
    el.appendChild(p);
    if (m.image) {
      var img = document.createElement('img');
      img.src = 'data:' + m.image.mime + ';base64,' + m.image.data;
      img.alt = m.image.name || t('image');
      el.appendChild(img);
    }
    if (m.media) { el.appendChild(mediaNode(m.media)); }
    if (m.document) {
      var a = document.createElement('a');
      a.className = 'file';
      a.href = URL.createObjectURL(new Blob([bytesOf(m.document.data)], { type: m.document.mime || 'application/octet-stream' }));
      a.download = m.document.name || 'file';
      a.textContent = t('download', { name: m.document.name || '' });
      el.appendChild(a);
    }
    if (m.buttons && m.buttons.length) {
      var box = document.createElement('div');
      box.className = 'buttons';
      m.buttons.forEach(function (row) {
        var r = document.createElement('div');
        r.className = 'row';
        row.forEach(function (b) {
          var node;
          if (b.url) {
            if (!safeURL(b.url)) { return; }
            node = document.createElement('a');
            node.href = b.url;
            node.target = '_blank';
            node.rel = 'noopener noreferrer';
          } else {
            node = document.createElement('button');
            node.type = 'button';
            node.addEventListener('click', function () { send({ data: b.data }, b.text); });
          }
          node.textContent = b.text;
          r.appendChild(node);
        });
        box.appendChild(r);
      });
      el.appendChild(box);
    }
    $('log').appendChild(el);
    scrollDown();
  }

  // mediaNode shows a file the bot passed on: fetched with the session's token (the server
  // checks it, and the file expires), then a voice note or audio as a player, a photo inline, a
  // video as a player, a PDF as a link to save it.
  function mediaNode(md) {
    var box = document.createElement('div');
    box.className = 'media';
    var headers = { 'Authorization': 'Bearer ' + state.token };
    fetch(md.url, { headers: headers, cache: 'no-store', credentials: 'omit' }).then(function (resp) {
      if (!resp.ok) { throw new Error(String(resp.status)); }
      return resp.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var node;
      if (md.kind === 'voice' || md.kind === 'audio') {
        node = document.createElement('audio');
        node.controls = true;
        node.preload = 'metadata';
        node.setAttribute('aria-label', t('audio'));
      } else if (md.kind === 'photo' && /^image\//.test(blob.type)) {
        node = document.createElement('img');
        node.alt = md.caption || t('image');
      } else if ((md.kind === 'video' || md.kind === 'video_note') && /^video\//.test(blob.type)) {
        node = document.createElement('video');
        node.controls = true;
        node.setAttribute('playsinline', '');
        node.setAttribute('aria-label', t('video'));
      } else {
        node = document.createElement('a');
        node.className = 'file';
        node.href = url;
        node.download = md.name || 'document.pdf';
        node.textContent = t('download', { name: md.name || '' });
      }
      if (node.tagName !== 'A') { node.src = url; }
      box.insertBefore(node, box.firstChild);
      scrollDown();
    }, function () {
      var p = document.createElement('p');
      p.className = 'gone';
      p.textContent = t('media_gone');
      box.insertBefore(p, box.firstChild);
    });
    if (md.caption) {
      var c = document.createElement('p');
      c.className = 'caption';
      appendText(c, md.caption);
      box.appendChild(c);
    }
    return box;
  }

  function renderMine(text) {
    hideEmpty();
    var el = document.createElement('div');
    el.className = 'msg me';
    el.dir = 'auto';
    var p = document.createElement('p');
    p.className = 'text';
    p.appendChild(speaker('you'));
    p.appendChild(document.createTextNode(text));
    el.appendChild(p);
    $('log').appendChild(el);
    scrollDown();
    return el;
  }

  // The person's own messages are kept on this device only, to show them in place after a
  // reload: each after the bot message that was last when it was sent.
  var pendingSent = [];

  function flushSent(beforeId) {
    while (pendingSent.length && pendingSent[0].after < beforeId) { renderMine(pendingSent.shift().text); }
  }

  function remember(text) {
    state.sent.push({ after: state.lastId, text: text });
    if (state.sent.length > MAX_SENT) { state.sent = state.sent.slice(-MAX_SENT); }
    store.set(KEY.sent, JSON.stringify({ token: state.token, list: state.sent }));
  }

  function clearLog() {
    var log = $('log');
    Array.prototype.slice.call(log.querySelectorAll('.msg')).forEach(function (n) { n.remove(); });
    $('empty').hidden = false;
    state.lastId = 0;
  }

  // --- sessions ------------------------------------------------------------------------------

  // showErased: the person's data was deleted. The page says so and offers a new conversation;
  // what the bot still sends (its goodbye) is shown until the session ends.
  function showErased() {
    state.erased = true;
    store.set(KEY.erased, '1');
    store.del(KEY.token);
    store.del(KEY.sent);
    $('erased').hidden = false;
    $('composer').hidden = true;
    $('empty').hidden = true;
    setStatus('');
  }

  function hideErased() {
    state.erased = false;
    store.del(KEY.erased);
    $('erased').hidden = true;
    $('composer').hidden = false;
  }

  function useSession(token) {
    state.gen++;
    if (state.poll) { state.poll.abort(); state.poll = null; }
    state.token = token;
    clearLog();
    var kept = store.json(KEY.sent, {});
    state.sent = token && kept.token === token ? kept.list || [] : [];
    pendingSent = state.sent.slice();
    if (token) {
      store.set(KEY.token, token);
      poll(state.gen);
    } else {
      store.del(KEY.token);
      store.del(KEY.sent);
    }
  }

  function ensureSession() {
    if (state.token) { return Promise.resolve(true); }
    var req = { lang: navigator.language || '' };
    if (state.invite) { req.invite = state.invite; }
    return api('POST', 'session', req).then(function (r) {
      if (r.status !== 201) { setStatus(r.status === 429 ? 'too_fast' : 'offline'); return false; }
      state.invite = '';
      useSession(r.body.token);
      return loadUI(r.body.lang).then(function () { return true; });
    }, function () { setStatus('offline'); return false; });
  }

  function poll(gen) {
    var backoff = 1000;
    var first = true;
    function loop() {
      if (gen !== state.gen || !state.token) { return; }
      var ctl = new AbortController();
      state.poll = ctl;
      if (first) { setStatus('connecting'); }
      api('GET', 'messages?after=' + state.lastId + '&wait=' + (first ? 0 : 25), undefined, ctl.signal).then(function (r) {
        if (gen !== state.gen) { return; }
        if (r.status === 200) {
          setStatus('');
          r.body.messages.forEach(renderBot);
          // The person's own language, once the bot knows them: the page follows it.
          if (r.body.lang && r.body.lang !== ui.lang) { loadUI(r.body.lang); }
          if (r.body.erased && !state.erased) { showErased(); }
          // The history is read without waiting, page by page; then the person's own
          // messages that came after the last bot message are shown, and the poll waits.
          if (first && r.body.messages.length < PAGE) { flushSent(Infinity); first = false; }
          backoff = 1000;
          return loop();
        }
        if (state.erased && (r.status === 401 || r.status === 410)) {
          // The erased person's session has ended: the notice stays, nothing more comes.
          state.poll = null;
          return;
        }
        if (r.status === 401) {
          // The session is gone (the database was reset): start afresh.
          forgetPersonaToken();
          if (state.persona) { pickPersona(state.persona); } else { useSession(null); }
          return;
        }
        return sleep(r.status === 429 || r.status === 503 ? r.retryAfter : backoff).then(loop);
      }, function () {
        if (gen !== state.gen) { return; }
        setStatus('offline');
        backoff = Math.min(backoff * 2, 15000);
        return sleep(backoff).then(loop);
      });
    }
    loop();
  }

  // --- sending -------------------------------------------------------------------------------

  // send shows the person's message and delivers it; a failure that may pass (no network,
  // busy, too fast) is retried with the same id, so the bot handles it once.
  function send(body, shown) {
    return ensureSession().then(function (ok) {
      if (!ok) { return false; }
      var el = renderMine(shown);
      el.classList.add('pending');
      remember(shown);
      deliver(newId(), body, el, state.gen, 0);
      return true;
    });
  }

  // refusals maps an API error to the page's words for it.
  var refusals = { too_long: 'too_long', too_large: 'media_too_large', not_accepted: 'media_not_accepted' };

  function deliver(id, body, el, gen, attempt) {
    if (gen !== state.gen) { return; }
    var path = 'send', payload = { id: id };
    if (body.file) {
      path = 'upload';
      payload = new FormData();
      payload.append('id', id);
      if (body.caption) { payload.append('caption', body.caption); }
      payload.append('file', body.file, body.file.name || 'file');
    } else if (body.data) { payload.data = body.data; } else { payload.text = body.text; }
    var wait = Math.min(1000 * Math.pow(2, attempt), 15000);
    api('POST', path, payload).then(function (r) {
      if (r.status === 200) {
        el.classList.remove('pending');
        setStatus('');
        if (r.body && r.body.erased) { showErased(); }
        return;
      }
      if (r.status === 410 && r.body && r.body.error === 'erased') { el.classList.remove('pending'); showErased(); return; }
      if (r.status === 429) { setStatus('too_fast'); wait = r.retryAfter; }
      if (r.status === 429 || r.status === 503 || r.status >= 500) {
        return sleep(wait).then(function () { deliver(id, body, el, gen, attempt + 1); });
      }
      failed(el, (r.body && refusals[r.body.error]) || 'failed', null);
    }, function () {
      setStatus('offline');
      if (attempt < 8) { return sleep(wait).then(function () { deliver(id, body, el, gen, attempt + 1); }); }
      failed(el, 'failed', function () { deliver(id, body, el, gen, 0); });
    });
  }

  function failed(el, key, retry) {
    el.classList.remove('pending');
    var p = document.createElement('p');
    p.className = 'failed';
    p.setAttribute('role', 'alert');
    p.appendChild(document.createTextNode(t(key)));
    if (retry) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = t('retry');
      b.addEventListener('click', function () { p.remove(); el.classList.add('pending'); retry(); });
      p.appendChild(b);
    }
    el.appendChild(p);
  }

  function submitText() {
    var box = $('text');
    var text = box.value.trim();
    if (!text) { return; }
    box.value = '';
    grow();
    send({ text: text }, text).then(function (ok) {
      // No session could be opened (offline): the text stays in the box to send again.
      if (!ok && !box.value) { box.value = text; grow(); }
    });
  }

  // sendFile sends a chosen file, with what is typed as its caption.
  function sendFile(file) {
    var box = $('text');
    var caption = box.value.trim();
    if (file.size > 20 * 1024 * 1024) {
      var big = renderMine('📎 ' + file.name);
      failed(big, 'media_too_large', null);
      return;
    }
    box.value = '';
    grow();
    var shown = '📎 ' + (file.name || '') + (caption ? '\n' + caption : '');
    ensureSession().then(function (ok) {
      if (!ok) { return; }
      var el = renderMine(shown);
      el.classList.add('pending');
      remember(shown);
      deliver(newId(), { file: file, caption: caption }, el, state.gen, 0);
    });
  }

  function grow() {
    var box = $('text');
    box.style.height = 'auto';
    box.style.height = Math.min(box.scrollHeight + 2, 150) + 'px';
  }

  // --- demo personas -----------------------------------------------------------------------------

  function personaTokens() { return store.json(KEY.personas, {}); }

  function forgetPersonaToken() {
    if (!state.persona) { return; }
    var m = personaTokens();
    delete m[state.persona];
    store.set(KEY.personas, JSON.stringify(m));
  }

  function loadPersonas() {
    return api('GET', 'demo/personas?lang=' + encodeURIComponent(ui.lang)).then(function (r) {
      if (r.status !== 200) { return; }
      var sel = $('persona');
      sel.textContent = '';
      var none = document.createElement('option');
      none.value = '';
      none.textContent = t('choose_persona');
      sel.appendChild(none);
      r.body.personas.forEach(function (p) {
        var o = document.createElement('option');
        o.value = p.key;
        o.textContent = p.label;
        o.setAttribute('data-role', p.role);
        if (p.lang) { o.setAttribute('data-lang', p.lang); }
        if (p.rtl) { o.dir = 'rtl'; }
        sel.appendChild(o);
      });
      sel.value = state.persona;
      $('demo').hidden = false;
    }, function () { /* no demo panel without the list */ });
  }

  function showInvite(code) {
    var p = $('invite');
    p.hidden = !code;
    p.textContent = code ? t('demo_invite', { code: code }) : '';
  }

  function pickPersona(key) {
    hideErased();
    state.persona = key;
    store.set(KEY.persona, key);
    if (!key) { showInvite(''); useSession(null); return Promise.resolve(); }
    var kept = personaTokens()[key];
    var ready = kept ? Promise.resolve(kept) : api('POST', 'demo/session', { persona: key, lang: navigator.language || '' }).then(function (r) {
      if (r.status !== 201) { setStatus(r.status === 429 ? 'too_fast' : 'offline'); return null; }
      var m = personaTokens();
      m[key] = { token: r.body.token, lang: r.body.lang, invite: r.body.invite || '' };
      store.set(KEY.personas, JSON.stringify(m));
      return m[key];
    });
    return ready.then(function (p) {
      if (!p || state.persona !== key) { return; }
      showInvite(p.invite);
      useSession(p.token);
      return loadUI(p.lang).then(loadPersonas);
    });
  }

  // --- start -------------------------------------------------------------------------------------

  function init() {
    applyUI(ui);
    var saved = store.get(KEY.lang);
    $('composer').addEventListener('submit', function (e) { e.preventDefault(); submitText(); });
    $('text').addEventListener('input', grow);
    $('text').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitText(); }
    });
    $('start').addEventListener('click', function () { send({ text: '/start' }, t('start')); });
    $('attach').addEventListener('click', function () { $('file').click(); });
    $('file').addEventListener('change', function (e) {
      var f = e.target.files && e.target.files[0];
      e.target.value = '';
      if (f) { sendFile(f); }
    });
    function newChat() {
      // On a shared phone: forget this conversation on this device, and its language.
      hideErased();
      store.del(KEY.lang);
      forgetPersonaToken();
      state.persona = '';
      store.del(KEY.persona);
      $('persona').value = '';
      showInvite('');
      useSession(null);
      $('text').focus();
    }
    $('new-chat').addEventListener('click', newChat);
    $('erased-new').addEventListener('click', newChat);
    $('persona').addEventListener('change', function (e) { pickPersona(e.target.value); });

    var params = new URLSearchParams(location.search);
    var invite = params.get('invite');
    var ready = Promise.resolve();
    if (saved && saved !== ui.lang) { ready = loadUI(saved); }
    if (ui.demo) { ready = ready.then(loadPersonas); }
    ready.then(function () {
      if (invite) {
        // An invite link: a fresh session, in the language of the person invited, that
        // starts onboarding with the code. The code leaves the address bar at once.
        history.replaceState(null, '', location.pathname);
        state.persona = '';
        store.del(KEY.persona);
        if (ui.demo) { $('persona').value = ''; }
        hideErased();
        useSession(null);
        state.invite = invite;
        send({ text: '/start ' + invite }, '/start ' + invite);
        return;
      }
      if (store.get(KEY.erased)) { showErased(); return; }
      if (ui.demo && state.persona) {
        var p = personaTokens()[state.persona];
        if (p) { showInvite(p.invite); useSession(p.token); return loadUI(p.lang); }
      }
      useSession(state.token);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
