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
