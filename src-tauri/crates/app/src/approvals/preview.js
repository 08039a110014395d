'use strict';
(function () {
  // Outpost sealed approval preview. Everything happens in this page: no network request is made.
  var MIN_ITERATIONS = 600000;
  var MAX_FEEDBACK_BYTES = 1500;
  var enc = new TextEncoder();
  var dec = new TextDecoder();
  var $ = function (id) { return document.getElementById(id); };

  function b64d(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function b64e(bytes) {
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(ms) {
    try {
      return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    } catch (_) {
      return new Date(ms).toString();
    }
  }

  var sealed = JSON.parse($('sealed').textContent);
  var header = JSON.parse(sealed.header);
  var aad = enc.encode(sealed.header);
  var expired = function () { return Date.now() >= header.expires_at; };

  $('expiry').textContent = expired()
    ? 'This preview expired on ' + fmt(header.expires_at) + '.'
    : 'This preview can be answered until ' + fmt(header.expires_at) + '.';

  function showError(message) {
    var e = $('error');
    e.textContent = message;
    e.hidden = false;
  }

  async function unlock(password) {
    if (sealed.v !== 1 || header.v !== 1) throw new Error('format');
    if (header.iterations < MIN_ITERATIONS) throw new Error('format');
    var base = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveKey']);
    var kek = await crypto.subtle.deriveKey(
      { name: 'PBKDF2', hash: 'SHA-256', salt: b64d(header.salt), iterations: header.iterations },
      base, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    var raw;
    try {
      raw = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64d(sealed.wrap_nonce), additionalData: aad }, kek, b64d(sealed.wrapped_key));
    } catch (_) {
      throw new Error('password');
    }
    var key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    var plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64d(sealed.nonce), additionalData: aad }, key, b64d(sealed.ciphertext));
    return JSON.parse(dec.decode(plain));
  }

  // Links, hashtags and mentions highlighted as the platforms (and Outpost's composer) do.
  var TOKEN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])|(^|[^\p{L}\p{N}_&/])(#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)|(^|[^\p{L}\p{N}_/@])(@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?)/gu;
  function textBlock(value) {
    var p = el('p', 'body');
    var last = 0;
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(value)) !== null) {
      p.appendChild(document.createTextNode(value.slice(last, m.index)));
      if (m[1]) p.appendChild(el('span', 'hl link', m[1]));
      else if (m[3]) { p.appendChild(document.createTextNode(m[2] || '')); p.appendChild(el('span', 'hl hashtag', m[3])); }
      else if (m[5]) { p.appendChild(document.createTextNode(m[4] || '')); p.appendChild(el('span', 'hl mention', m[5])); }
      last = m.index + m[0].length;
      if (m[0].length === 0) TOKEN.lastIndex++;
    }
    p.appendChild(document.createTextNode(value.slice(last)));
    return p;
  }

  function mediaGrid(media) {
    var shown = media.slice(0, 4);
    if (shown.length === 0) return null;
    var g = el('div', 'grid n' + shown.length);
    shown.forEach(function (m) {
      var t = el('div', 'tile');
      if (m.thumbnail && m.thumbnail.indexOf('data:image/') === 0) {
        var img = document.createElement('img');
        img.src = m.thumbnail;
        img.alt = m.alt || '';
        t.appendChild(img);
      } else {
        t.textContent = m.kind === 'video' ? '▶ video' : 'media';
      }
      g.appendChild(t);
    });
    return g;
  }

  function card(c, media) {
    var layout = ['x', 'bluesky', 'mastodon', 'threads'].indexOf(c.platform) >= 0 ? 'micro'
      : ['linkedin', 'facebook'].indexOf(c.platform) >= 0 ? 'feed' : 'visual';
    var a = el('article', 'card ' + layout);
    a.setAttribute('data-platform', c.platform);
    a.setAttribute('aria-label', c.platform_name + ' preview');
    var top = el('header', 'top');
    var who = el('span', 'who');
    var name = c.display_name || c.handle;
    who.appendChild(el('span', 'avatar', (name || '?').slice(0, 1).toUpperCase()));
    var names = el('span', 'names');
    names.appendChild(el('strong', null, name));
    var handle = c.handle && c.handle.charAt(0) !== '@' ? '@' + c.handle : c.handle;
    names.appendChild(el('span', 'handle', layout === 'feed' ? 'Now · Public' : handle));
    who.appendChild(names);
    top.appendChild(who);
    top.appendChild(el('span', 'platform', c.platform_name));
    a.appendChild(top);
    var grid = mediaGrid(media);
    if (layout === 'visual' && grid) a.appendChild(grid);
    if (c.title) a.appendChild(el('p', 'title', c.title));
    a.appendChild(textBlock(c.text));
    if (layout !== 'visual' && grid) a.appendChild(grid);
    if (c.extra && c.extra.length) {
      var ol = el('ol', 'parts');
      c.extra.forEach(function (x) {
        var li = el('li');
        li.appendChild(el('span', 'kind', x.label));
        li.appendChild(textBlock(x.text));
        ol.appendChild(li);
      });
      a.appendChild(ol);
    }
    return a;
  }

  async function decisionCode(macKey, post, decision, feedback) {
    var body = enc.encode(JSON.stringify([header.preview_id, post.post_id, decision, feedback]));
    var prefix = enc.encode('outpost-approval-v1\n' + post.content_hash + '\n');
    var msg = new Uint8Array(prefix.length + body.length);
    msg.set(prefix, 0);
    msg.set(body, prefix.length);
    var tag = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, msg));
    return 'OA1.' + b64e(body) + '.' + b64e(tag);
  }

  function decisionForm(payload, macKey, post) {
    var box = el('div', 'decision');
    var label = el('label', null, 'Feedback (optional)');
    var fb = el('textarea');
    fb.setAttribute('data-testid', 'feedback');
    fb.maxLength = 1000;
    fb.placeholder = 'What should change, or a note for the team';
    label.appendChild(fb);
    box.appendChild(label);
    var actions = el('div', 'actions');
    var approve = el('button', 'approve', 'Approve');
    approve.type = 'button';
    approve.setAttribute('data-testid', 'approve');
    var reject = el('button', 'reject', 'Request changes');
    reject.type = 'button';
    reject.setAttribute('data-testid', 'reject');
    actions.appendChild(approve);
    actions.appendChild(reject);
    box.appendChild(actions);
    var err = el('p', 'error');
    err.hidden = true;
    err.setAttribute('role', 'alert');
    box.appendChild(err);
    var result = el('div', 'result');
    result.hidden = true;
    box.appendChild(result);

    async function decide(decision) {
      err.hidden = true;
      if (expired()) { err.textContent = 'This preview has expired; ask for a new one.'; err.hidden = false; return; }
      var feedback = fb.value.trim();
      if (enc.encode(feedback).length > MAX_FEEDBACK_BYTES) { err.textContent = 'The feedback is too long; shorten it a little.'; err.hidden = false; return; }
      var code = await decisionCode(macKey, post, decision, feedback);
      result.textContent = '';
      result.className = 'result ' + decision;
      result.appendChild(el('h3', null, decision === 'approved' ? 'You approved this post.' : 'You asked for changes.'));
      result.appendChild(el('p', null, 'Send this code back (copy it into an e-mail or message). It is only valid for this post as it is now.'));
      var out = el('textarea', 'code');
      out.readOnly = true;
      out.value = code;
      out.setAttribute('data-testid', 'decision-code');
      out.setAttribute('aria-label', 'Decision code');
      result.appendChild(out);
      var row = el('div', 'actions');
      var copy = el('button', null, 'Copy code');
      copy.type = 'button';
      copy.addEventListener('click', function () {
        out.select();
        if (navigator.clipboard) navigator.clipboard.writeText(code).catch(function () { document.execCommand('copy'); });
        else document.execCommand('copy');
      });
      row.appendChild(copy);
      var mail = el('a', 'button', 'Send by e-mail');
      var subject = 'Post ' + (decision === 'approved' ? 'approved' : 'needs changes');
      var body = 'My decision code for the post preview:\n\n' + code + '\n\n(Or open app.outpost.desktop://approval/' + code + ' )';
      mail.href = 'mailto:' + encodeURIComponent(payload.reply_to || '') + '?subject=' + encodeURIComponent(subject) + '&body=' + encodeURIComponent(body);
      mail.setAttribute('data-testid', 'decision-mailto');
      row.appendChild(mail);
      result.appendChild(row);
      result.hidden = false;
    }
    approve.addEventListener('click', function () { decide('approved'); });
    reject.addEventListener('click', function () { decide('rejected'); });
    return box;
  }

  async function render(payload) {
    var macKey = await crypto.subtle.importKey('raw', b64d(payload.mac_key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    var content = $('content');
    content.textContent = '';
    payload.posts.forEach(function (post) {
      var sec = el('section', 'panel post');
      sec.setAttribute('data-testid', 'post');
      sec.setAttribute('data-post-id', post.post_id);
      sec.appendChild(el('h2', null, post.label || 'Post'));
      if (post.when) sec.appendChild(el('p', 'when', 'Planned for ' + post.when));
      var cards = el('div', 'cards');
      post.channels.forEach(function (c) { cards.appendChild(card(c, post.media || [])); });
      sec.appendChild(cards);
      sec.appendChild(decisionForm(payload, macKey, post));
      content.appendChild(sec);
    });
    content.hidden = false;
    $('lock').hidden = true;
  }

  $('unlock-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var pw = $('password').value;
    $('error').hidden = true;
    if (expired()) { showError('This preview expired on ' + fmt(header.expires_at) + '. Ask for a new one.'); return; }
    if (!pw) { showError('Enter the password.'); return; }
    var btn = $('unlock');
    btn.disabled = true;
    btn.textContent = 'Checking…';
    unlock(pw).then(render).catch(function (e) {
      showError(e && e.message === 'password'
        ? 'That password is not right. Check it and try again.'
        : 'This preview file is damaged or was changed; ask for a new one.');
    }).finally(function () {
      btn.disabled = false;
      btn.textContent = 'Show the post';
    });
  });
})();
