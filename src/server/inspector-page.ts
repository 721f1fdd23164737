/**
 * The web inspector: one self-contained page (no CDN, no external requests). Everything shown is
 * built with textContent, since payloads come from anyone who can reach the listener.
 */
export function inspectorPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mes-webhooks inspector</title>
<style nonce="${nonce}">
  :root { --bg:#0f1419; --panel:#161c23; --line:#26303b; --text:#d7dde4; --dim:#7d8a97; --ok:#3fb950; --bad:#f85149; --warn:#d29922; --accent:#58a6ff; }
  * { box-sizing: border-box; }
  body { margin:0; font:13px/1.45 ui-sans-serif, system-ui, sans-serif; background:var(--bg); color:var(--text); height:100vh; display:flex; flex-direction:column; }
  header { display:flex; gap:12px; align-items:center; padding:10px 16px; border-bottom:1px solid var(--line); background:var(--panel); }
  header h1 { font-size:14px; margin:0 12px 0 0; font-weight:600; }
  #conn { width:9px; height:9px; border-radius:50%; background:var(--bad); display:inline-block; }
  #conn.live { background:var(--ok); }
  input, select, button { background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:6px; padding:5px 8px; font:inherit; }
  button { cursor:pointer; } button:disabled { opacity:.45; cursor:not-allowed; }
  button.primary { background:#1f6feb; border-color:#1f6feb; color:white; }
  #count { color:var(--dim); margin-left:auto; }
  main { flex:1; display:grid; grid-template-columns:minmax(420px, 46%) 1fr; min-height:0; }
  #list { overflow:auto; border-right:1px solid var(--line); }
  table { width:100%; border-collapse:collapse; }
  th { position:sticky; top:0; background:var(--panel); text-align:left; font-weight:500; color:var(--dim); padding:6px 10px; border-bottom:1px solid var(--line); }
  td { padding:6px 10px; border-bottom:1px solid var(--line); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; max-width:260px; }
  tr.row { cursor:pointer; } tr.row:hover { background:#1b232c; } tr.row.selected { background:#1c2b3d; }
  .mono { font-family:ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; }
  .valid, .s2 { color:var(--ok); } .invalid, .missing, .s4, .s5, .s0 { color:var(--bad); } .unchecked { color:var(--dim); } .s3 { color:var(--warn); }
  #detail { overflow:auto; padding:16px 20px; }
  #detail h2 { font-size:15px; margin:0 0 4px; } #detail h3 { font-size:12px; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); margin:18px 0 6px; }
  pre { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px; overflow:auto; margin:0; }
  dl { display:grid; grid-template-columns:max-content 1fr; gap:3px 14px; margin:0; } dt { color:var(--dim); } dd { margin:0; word-break:break-all; }
  .empty { color:var(--dim); padding:24px; }
  #resend-result { margin-left:10px; }
</style>
</head>
<body>
<header>
  <h1>mes-webhooks inspector</h1><span id="conn" title="feed"></span>
  <input id="filter-event" placeholder="filter events, e.g. work_order.*" data-testid="filter-event">
  <select id="filter-provider" data-testid="filter-provider"><option value="">all providers</option></select>
  <span id="count" data-testid="count">0 deliveries</span>
</header>
<main>
  <div id="list"><table><thead><tr><th>time</th><th>provider</th><th>event</th><th>signature</th><th>status</th></tr></thead><tbody id="rows" data-testid="rows"></tbody></table>
    <div class="empty" id="empty">Waiting for deliveries… send one with <span class="mono" id="hint"></span></div></div>
  <section id="detail" data-testid="detail"><div class="empty">Select a delivery to see its headers, body and signature verdict.</div></section>
</main>
<script nonce="${nonce}">
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const deliveries = new Map();
  let forwardTo = null, selected = null, shown = null;
  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
    return node;
  };
  const bodyText = (part) => {
    if (!part) return '';
    if (part.truncated) return '(the first ' + part.body.length + ' characters of ' + part.bytes + ' bytes; the whole body is in the log)\\n' + part.body;
    if (part.bodyEncoding === 'base64') return '(binary, base64) ' + part.body;
    try { return JSON.stringify(JSON.parse(part.body), null, 2); } catch { return part.body; }
  };
  // Linear time, no RegExp: the pieces between stars are found left to right (a long name cannot freeze the page).
  const glob = (pattern) => ({ test: (text) => {
    const p = pattern.split('*'), first = p[0], last = p[p.length - 1];
    if (p.length === 1) return text === pattern;
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length; const end = text.length - last.length;
    for (const piece of p.slice(1, -1)) { if (!piece) continue; const i = text.indexOf(piece, at); if (i < 0 || i + piece.length > end) return false; at = i + piece.length; }
    return true;
  } });
  const visible = (d) => {
    const ev = $('filter-event').value.trim(), pr = $('filter-provider').value;
    if (pr && d.provider !== pr) return false;
    if (!ev) return true;
    return ev.includes('*') ? glob(ev).test(d.event || '') : (d.event || '').includes(ev);
  };
  const statusClass = (s) => 's' + (s === null ? 0 : String(s)[0]);
  function render() {
    const rows = $('rows'); rows.replaceChildren();
    const list = [...deliveries.values()].reverse().filter(visible);
    for (const d of list) {
      const verdict = d.signature ? d.signature.verdict : 'unchecked';
      const tr = el('tr', { class: 'row' + (d.deliveryId === selected ? ' selected' : ''), 'data-testid': 'row', 'data-id': d.deliveryId },
        el('td', { class: 'mono' }, d.at.slice(11, 19)), el('td', {}, d.provider || '?'), el('td', { class: 'mono' }, d.event || '?'),
        el('td', { class: verdict }, verdict), el('td', { class: statusClass(d.status) }, d.status ?? '---'));
      tr.onclick = () => { selected = d.deliveryId; render(); };
      rows.append(tr);
    }
    $('empty').hidden = deliveries.size > 0;
    $('count').textContent = list.length + ' of ' + deliveries.size + ' deliveries';
    const providers = new Set([...deliveries.values()].map((d) => d.provider).filter(Boolean));
    const sel = $('filter-provider');
    for (const p of providers) if (![...sel.options].some((o) => o.value === p)) sel.append(el('option', { value: p }, p));
    // The detail pane is rebuilt only when the selection changes, so scrolling and results stay put.
    if (selected !== shown) renderDetail();
  }
  function renderDetail() {
    const d = selected && deliveries.get(selected);
    const pane = $('detail');
    if (!d) return;
    shown = selected;
    const verdict = d.signature ? d.signature.verdict : 'unchecked';
    const headers = el('dl', { class: 'mono' });
    for (const [k, v] of Object.entries(d.request.headers)) headers.append(el('dt', {}, k), el('dd', {}, v));
    const button = el('button', { class: 'primary', 'data-testid': 'resend', disabled: !forwardTo, title: forwardTo ? 'Send the exact bytes and headers to ' + forwardTo : 'Start the listener with --forward-to URL to send again' }, 'Send again to forward target');
    const result = el('span', { id: 'resend-result', 'data-testid': 'resend-result' });
    button.onclick = async () => {
      button.disabled = true; result.textContent = 'sending…';
      try {
        const res = await fetch('/__mes-webhooks/api/deliveries/' + encodeURIComponent(d.deliveryId) + '/resend', { method: 'POST', headers: { 'x-mes-webhooks-token': token } });
        const out = await res.json();
        result.className = out.ok ? 'valid' : 'invalid';
        result.textContent = out.ok ? 'sent again: ' + out.status : 'failed: ' + (out.error || out.status);
      } catch (e) { result.className = 'invalid'; result.textContent = 'failed: ' + e.message; }
      button.disabled = !forwardTo;
    };
    const facts = el('dl', {},
      el('dt', {}, 'delivery'), el('dd', { class: 'mono' }, d.deliveryId),
      el('dt', {}, 'event id'), el('dd', { class: 'mono' }, d.eventId || '-'),
      el('dt', {}, 'provider'), el('dd', {}, (d.provider || '?') + (d.scheme ? ' (scheme ' + d.scheme + ')' : '')),
      el('dt', {}, 'signature'), el('dd', { class: verdict, 'data-testid': 'verdict' }, verdict + ' — ' + (d.signature ? d.signature.reason : '')),
      el('dt', {}, 'status'), el('dd', { class: statusClass(d.status) }, (d.status ?? '---') + (d.simulated ? ' (simulated: ' + d.simulated + ')' : '')),
      el('dt', {}, 'received'), el('dd', {}, d.at + ' · ' + d.durationMs + ' ms'));
    if (d.forward) facts.append(el('dt', {}, 'forwarded'), el('dd', {}, d.forward.url + ' → ' + (d.forward.status ?? (d.forward.error && d.forward.error.message))));
    if (d.error) facts.append(el('dt', {}, 'problem'), el('dd', { class: 'invalid' }, d.error.message));
    if (d.schema) facts.append(el('dt', {}, 'schema'), el('dd', { class: d.schema.verdict === 'unknown' ? 'unchecked' : d.schema.verdict, 'data-testid': 'schema-verdict' }, d.schema.verdict + (d.schema.reason ? ' — ' + d.schema.reason : '')));
    const findings = (d.schema ? (d.schema.problems || []).map((p) => ['invalid', p]).concat((d.schema.notes || []).map((p) => ['unchecked', p])) : [])
      .map(([cls, p]) => el('li', { class: 'mono ' + cls, 'data-testid': 'schema-finding' }, (p.pointer ? p.pointer + ': ' : '') + p.message));
    pane.replaceChildren(
      el('h2', { class: 'mono' }, d.event || 'unknown event'), facts,
      ...(findings.length > 0 ? [el('h3', {}, 'Schema problems and notes'), el('ul', { 'data-testid': 'schema-findings' }, ...findings)] : []),
      el('h3', {}, 'Request headers'), headers,
      el('h3', {}, 'Body'), el('pre', { class: 'mono', 'data-testid': 'body' }, bodyText(d.request)),
      el('h3', {}, 'Response'), el('pre', { class: 'mono' }, d.response ? d.response.status + '\\n' + bodyText(d.response) : '(none)'),
      el('h3', {}, 'Send again'), el('div', {}, button, result));
  }
  $('hint').textContent = 'mes-webhooks send work_order.created --to ' + location.origin + '/';
  $('filter-event').oninput = render; $('filter-provider').onchange = render;
  function connect() {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/__mes-webhooks/feed?token=' + encodeURIComponent(token));
    ws.onopen = () => $('conn').classList.add('live');
    ws.onclose = () => { $('conn').classList.remove('live'); setTimeout(connect, 1000); };
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'hello') { forwardTo = msg.forwardTo; for (const d of msg.deliveries) deliveries.set(d.deliveryId, d); }
      else if (msg.type === 'delivery') deliveries.set(msg.delivery.deliveryId, msg.delivery);
      else return;
      render();
    };
  }
  connect();
})();
</script>
</body>
</html>`;
}
