// The findings table of the HTML report, drawn from the JSON in #data one page at a time
// (src/report/html.rs describes the data). Elements are built with createElement and
// textContent: no report data ever reaches innerHTML. askama includes this file into
// report.html as template text, so it must not contain askama's delimiters (two opening
// braces, or an opening brace followed by a percent or hash sign).
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  root.classList.remove('nojs');
  root.classList.add('js');
  var PAGE = 50;

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function start() {
    var src = doc.getElementById('data');
    if (!src) return;
    var D = JSON.parse(src.textContent);
    PAGE = D.page || PAGE;
    var F = D.finding;
    var MA = D.mark ? D.mark[0] : null;
    var MR = D.mark ? D.mark[1] : null;
    var PASS = D.status.indexOf('pass');

    // A stored string has the finding's resource, then its account id, replaced by
    // markers: put them back in the reverse order.
    function unmark(s, acct, res) {
      if (MA !== null && s.indexOf(MA) >= 0) s = s.split(MA).join(acct);
      if (res !== null && MR !== null && s.indexOf(MR) >= 0) s = s.split(MR).join(res);
      return s;
    }
    // Evidence and mutes are packed (html.rs, `pack`): a number is an index into the
    // strings, a string a number's digits, an array starting with -1 an object of
    // key/value pairs, any other array an array.
    function unpack(v, acct, res) {
      if (typeof v === 'number') return unmark(D.text[v], acct, res);
      // A number keeps its digits where the browser can (JSON.rawJSON), beyond 2^53 too.
      if (typeof v === 'string') return JSON.rawJSON ? JSON.rawJSON(v) : JSON.parse(v);
      if (Array.isArray(v)) {
        if (v[0] !== -1) return v.map(function (x) { return unpack(x, acct, res); });
        var o = Object.create(null);
        for (var i = 1; i + 1 < v.length; i += 2) o[unmark(D.text[v[i]], acct, res)] = unpack(v[i + 1], acct, res);
        return o;
      }
      return v;
    }

    function accountCell(a) {
      var td = el('td');
      td.appendChild(el('code', null, a[0]));
      if (a[1]) {
        td.appendChild(doc.createTextNode(' '));
        td.appendChild(el('span', 'an', a[1]));
      }
      return td;
    }

    function addRow(parent, i) {
      var f = F[i];
      var a = D.account[f[4]];
      var c = D.check[f[0]];
      var st = D.status[f[1]];
      var res = unmark(D.text[f[6]], a[0], null);
      var tr = el('tr', 'finding');
      tr.setAttribute('data-status', st);
      tr.appendChild(el('td', 'st st-' + st, st));
      tr.appendChild(el('td', null, D.severity[f[2]]));
      var check = el('td', null, c.code);
      check.title = c.slug;
      tr.appendChild(check);
      tr.appendChild(accountCell(a));
      tr.appendChild(el('td', null, f[5] < 0 ? '\u2014' : D.region[f[5]]));
      var r = el('td');
      r.appendChild(el('code', null, res));
      tr.appendChild(r);
      tr.appendChild(el('td', null, unmark(D.text[f[7]], a[0], res)));

      var detail = el('tr', 'detail');
      detail.appendChild(el('td'));
      var td = el('td');
      td.colSpan = 6;
      var det = el('details');
      det.appendChild(el('summary', null, 'evidence and remediation'));
      var filled = false;
      det.addEventListener('toggle', function () {
        if (!det.open || filled) return;
        filled = true;
        function block(label, text) {
          var head = el('div');
          head.appendChild(el('b', null, label));
          det.appendChild(head);
          if (text !== null) det.appendChild(el('pre', null, text));
        }
        block(c.title, JSON.stringify(unpack(D.evidence[f[8]], a[0], res), null, 2));
        if (f[9] >= 0) block('Muted', JSON.stringify(unpack(D.mute[f[9]], a[0], res), null, 2));
        if (c.fix) block('Fix', c.fix);
        if (c.cli) block('AWS CLI', c.cli);
      });
      td.appendChild(det);
      detail.appendChild(td);
      parent.appendChild(tr);
      parent.appendChild(detail);
    }

    var box = doc.querySelector('#findings .filters');
    var sel = Object.create(null);
    Array.prototype.forEach.call(box.querySelectorAll('select'), function (s) { sel[s.name] = s; });
    var q = box.querySelector('input[name=q]');
    var passing = doc.getElementById('passing');
    var accounts = new Map(D.account.map(function (a, i) { return [a[0], i]; }));
    var frameworks = new Map(D.framework.map(function (fw, i) { return [fw[0], i]; }));
    var checkFrameworks = D.check.map(function (c) { return new Set(c.frameworks); });
    var hay = null;
    function haystack() {
      if (!hay) {
        hay = F.map(function (f) {
          var a = D.account[f[4]];
          var c = D.check[f[0]];
          var res = unmark(D.text[f[6]], a[0], null);
          return [c.code, c.slug, a[0], a[1], f[5] < 0 ? '' : D.region[f[5]], res,
            unmark(D.text[f[7]], a[0], res)].join('\n').toLowerCase();
        });
      }
      return hay;
    }
    // -1: no filter; -2: a value no finding has.
    function index(list, v) {
      if (v === '') return -1;
      var i = list.indexOf(v);
      return i < 0 ? -2 : i;
    }
    function lookup(map, v) {
      if (v === '') return -1;
      return map.has(v) ? map.get(v) : -2;
    }

    var views = {
      main: { body: doc.getElementById('rows'), pager: doc.getElementById('pager'), list: [], page: 0,
        empty: 'No failing, unknown or muted finding matches the filters.' },
      pass: { body: doc.getElementById('pass-rows'), pager: doc.getElementById('pass-pager'), list: [], page: 0,
        empty: 'No passing finding matches the filters.' }
    };

    function draw(v) {
      var n = v.list.length;
      var count = Math.max(1, Math.ceil(n / PAGE));
      v.page = Math.max(0, Math.min(v.page, count - 1));
      var frag = doc.createDocumentFragment();
      if (!n) {
        var tr = el('tr');
        var td = el('td', 'none', v.empty);
        td.colSpan = 7;
        tr.appendChild(td);
        frag.appendChild(tr);
      }
      var end = Math.min(n, (v.page + 1) * PAGE);
      for (var i = v.page * PAGE; i < end; i++) addRow(frag, v.list[i]);
      v.body.textContent = '';
      v.body.appendChild(frag);
      drawPager(v, count, n);
    }

    function drawPager(v, count, n) {
      var p = v.page;
      v.pager.textContent = '';
      if (n <= PAGE) return;
      function button(label, to, disabled) {
        var b = el('button', null, label);
        b.type = 'button';
        b.disabled = disabled;
        b.addEventListener('click', function () {
          v.page = to;
          draw(v);
          var table = v.body.parentNode;
          if (table.getBoundingClientRect().top < 0) table.scrollIntoView();
        });
        v.pager.appendChild(b);
      }
      button('\u00ab First', 0, p === 0);
      button('\u2039 Previous', p - 1, p === 0);
      v.pager.appendChild(el('span', null, 'page ' + (p + 1) + ' of ' + count + ' \u00b7 findings ' +
        (p * PAGE + 1) + '\u2013' + Math.min(n, (p + 1) * PAGE) + ' of ' + n));
      button('Next \u203a', p + 1, p >= count - 1);
      button('Last \u00bb', count - 1, p >= count - 1);
    }

    function apply() {
      var st = index(D.status, sel.status.value);
      var sv = index(D.severity, sel.severity.value);
      var ct = index(D.control, sel.control.value);
      var ac = lookup(accounts, sel.account.value);
      var fw = lookup(frameworks, sel.framework.value);
      var needle = q.value.trim().toLowerCase();
      var h = needle ? haystack() : null;
      var main = [];
      var pass = [];
      for (var i = 0; i < F.length; i++) {
        var f = F[i];
        if ((st !== -1 && f[1] !== st) || (sv !== -1 && f[2] !== sv) || (ct !== -1 && f[3] !== ct) ||
            (ac !== -1 && f[4] !== ac) || (fw !== -1 && !checkFrameworks[f[0]].has(fw)) ||
            (h && h[i].indexOf(needle) < 0)) continue;
        (f[1] === PASS ? pass : main).push(i);
      }
      views.main.list = main;
      views.main.page = 0;
      views.pass.list = pass;
      views.pass.page = 0;
      doc.getElementById('shown').textContent = String(main.length + pass.length);
      doc.getElementById('pass-count').textContent = String(pass.length);
      if (st === PASS && pass.length) passing.open = true;
      draw(views.main);
      if (passing.open) draw(views.pass);
    }

    // Selects an option, adding it when no finding has the value (an account not collected).
    function choose(s, v) {
      if (v !== '' && !Array.prototype.some.call(s.options, function (o) { return o.value === v; })) {
        var o = el('option', null, v);
        o.value = v;
        s.appendChild(o);
      }
      s.value = v;
    }
    // The filters live in the address too (#status=fail&account=...), to link to a view.
    function fromHash() {
      var h = new URLSearchParams(location.hash.slice(1));
      if (!Array.from(h.keys()).some(function (k) { return k === 'q' || k in sel; })) return false;
      Object.keys(sel).forEach(function (k) { choose(sel[k], h.get(k) || ''); });
      q.value = h.get('q') || '';
      return true;
    }
    function toHash() {
      var h = new URLSearchParams();
      Object.keys(sel).forEach(function (k) { if (sel[k].value) h.set(k, sel[k].value); });
      if (q.value.trim()) h.set('q', q.value.trim());
      var s = h.toString();
      try {
        history.replaceState(null, '', s ? '#' + s : location.pathname + location.search);
      } catch (e) {
        // An opaque origin may refuse; the filters still apply.
      }
    }
    function changed() {
      apply();
      toHash();
    }

    Object.keys(sel).forEach(function (k) { sel[k].addEventListener('change', changed); });
    var typing = null;
    q.addEventListener('input', function () {
      clearTimeout(typing);
      typing = setTimeout(changed, 200);
    });
    window.addEventListener('hashchange', function () { if (fromHash()) apply(); });
    passing.addEventListener('toggle', function () {
      if (passing.open) draw(views.pass);
      else views.pass.body.textContent = '';
    });

    // A score in the heat map shows that account's findings of that control.
    var heat = doc.querySelector('#heatmap table');
    heat.addEventListener('click', function (e) {
      var td = e.target.closest ? e.target.closest('td.s') : null;
      if (!td) return;
      choose(sel.account, td.parentNode.getAttribute('data-account') || '');
      sel.control.value = td.cellIndex >= 2 ? D.control[td.cellIndex - 2] : '';
      sel.status.value = '';
      sel.severity.value = '';
      sel.framework.value = '';
      q.value = '';
      changed();
      doc.getElementById('findings').scrollIntoView();
    });

    fromHash();
    apply();
    doc.getElementById('findings').setAttribute('data-drawn', '');
    if (window.performance && performance.mark) performance.mark('perimeter-rows');
  }

  // Let the browser paint the summary, rendered server-side, before reading the data: start
  // after the next frame, or after 100 ms where no frame comes (a hidden page, a headless
  // browser on virtual time).
  var started = false;
  function once() {
    if (started) return;
    started = true;
    start();
  }
  if (window.requestAnimationFrame) requestAnimationFrame(function () { setTimeout(once, 0); });
  setTimeout(once, 100);
})();
