// Konsol DTKS: send the session's CSRF token with sqladmin's own JavaScript requests.
//
// sqladmin deletes with jQuery.ajax({method: 'DELETE'}) and imports CSV with fetch(); neither sends a form
// field, so the token (from <meta name="csrf-token">, see templates/sqladmin/base.html) goes in the
// X-CSRF-Token header of every same-origin request that is not GET/HEAD/OPTIONS (console/csrf.py).
// Patching XMLHttpRequest covers jQuery.ajax, which is built on it. Loaded in <head>, before any request.
(function () {
  'use strict';

  var SAFE_METHODS = /^(GET|HEAD|OPTIONS|TRACE)$/i;
  var HEADER = 'X-CSRF-Token';

  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  function needsToken(method, url) {
    return !SAFE_METHODS.test(method || 'GET') && sameOrigin(url) && token() !== '';
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.dtksMethod = method;
    this.dtksUrl = String(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (needsToken(this.dtksMethod, this.dtksUrl)) {
      this.setRequestHeader(HEADER, token());
    }
    return send.apply(this, arguments);
  };

  if (window.fetch) {
    var originalFetch = window.fetch;
    window.fetch = function (input, init) {
      var isRequest = typeof Request !== 'undefined' && input instanceof Request;
      var url = isRequest ? input.url : String(input);
      var method = (init && init.method) || (isRequest ? input.method : 'GET');
      if (!needsToken(method, url)) {
        return originalFetch.apply(this, arguments);
      }
      var headers = new Headers((init && init.headers) || (isRequest ? input.headers : undefined));
      headers.set(HEADER, token());
      return originalFetch.call(this, input, Object.assign({}, init, { headers: headers }));
    };
  }
})();

// Konsol DTKS: the live NIK / No. KK check (console/views/identity_check.py).
//
// Fields marked data-identity-check="nik" or "no_kk" are checked by the server's one validator as they are
// typed (once 16 characters are in), when they lose focus and when a form opens filled in; its errors and
// warnings are shown under the field before saving, e.g. a kecamatan the region table does not know. The
// number goes in a POST body, never in a URL; the CSRF header is added by the fetch patch above. Messages
// are set as text, not HTML.
(function () {
  'use strict';

  var LENGTH = 16;
  var FEEDBACK_CLASS = 'dtks-identity-feedback';

  function endpoint() {
    var meta = document.querySelector('meta[name="identity-check-url"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function feedbackOf(input) {
    var box = input.nextElementSibling;
    if (box && box.classList.contains(FEEDBACK_CLASS)) {
      return box;
    }
    box = document.createElement('div');
    box.className = FEEDBACK_CLASS + ' small mt-1';
    box.setAttribute('aria-live', 'polite');
    input.insertAdjacentElement('afterend', box);
    return box;
  }

  function addLines(box, texts, className) {
    (texts || []).forEach(function (text) {
      var line = document.createElement('div');
      line.className = className;
      line.textContent = text;
      box.appendChild(line);
    });
  }

  function show(input, answer) {
    var box = feedbackOf(input);
    box.textContent = '';
    addLines(box, answer.errors, 'text-danger');
    addLines(box, answer.warnings, 'text-warning');
  }

  function isJson(response) {
    return response.ok && (response.headers.get('content-type') || '').indexOf('application/json') === 0;
  }

  function check(input, leaving) {
    var asked = input.value.trim();
    if (asked === '' || (!leaving && asked.length < LENGTH) || endpoint() === '') {
      show(input, {});
      return;
    }
    var body = new URLSearchParams();
    body.set('kind', input.getAttribute('data-identity-check'));
    body.set('number', asked);
    window.fetch(endpoint(), { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (response) { return isJson(response) ? response.json() : null; })
      .then(function (answer) {
        if (answer && input.value.trim() === asked) {  // not an answer to what was typed before
          show(input, answer);
        }
      })
      .catch(function () { /* the save checks again; a failed live check shows nothing */ });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('input[data-identity-check]').forEach(function (input) {
      input.addEventListener('input', function () { check(input, false); });
      input.addEventListener('blur', function () { check(input, true); });
      if (input.value.trim() !== '') {
        check(input, true);  // an edit form, or a form shown again after a refused save
      }
    });
  });
})();

// The worklist's "pick all shown" box (console/templates/worklist.html): ticks or clears the boxes of its form.
(function () {
  'use strict';
  document.addEventListener('change', function (event) {
    var box = event.target;
    if (!box || !box.matches || !box.matches('input[data-select-all]') || !box.form) {
      return;
    }
    var name = box.getAttribute('data-select-all');
    box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
