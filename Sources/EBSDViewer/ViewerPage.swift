/// The viewer's page: one HTML document with its script and style (no external resources). It asks the server for
/// `api/info`, draws the map from tiles (zoom with the wheel or + / −, pan by dragging), selects a point on click or
/// with the arrow keys and shows its record and patterns; shift-click (or "Average this grain") shows the grain's
/// average pattern. `window.ebsdViewer` exposes the state a test (or a user's console) reads.
enum ViewerPage {
    static let html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>ebsd view</title>
        <style>
        body{margin:0;font:13px/1.35 system-ui,sans-serif;display:flex;flex-direction:column;height:100vh;color:#222}
        header{display:flex;gap:10px;align-items:center;padding:6px 10px;background:#f3f3f3;border-bottom:1px solid #ccc;flex-wrap:wrap}
        header h1{font-size:15px;margin:0 8px 0 0}
        main{flex:1;display:flex;min-height:0}
        #mapbox{flex:1;position:relative;background:#777;min-width:200px}
        #map{position:absolute;left:0;top:0;width:100%;height:100%;cursor:crosshair}
        #legend{position:absolute;left:8px;bottom:8px;background:#fffd;padding:4px 6px;border-radius:3px}
        aside{width:600px;overflow:auto;padding:8px 10px;border-left:1px solid #ccc}
        h2{font-size:14px;margin:10px 0 4px}
        table{border-collapse:collapse}td{padding:1px 6px 1px 0;vertical-align:top}td:first-child{color:#666}
        .pats{display:flex;gap:8px;flex-wrap:wrap}.pat{position:relative;width:180px}
        .pat canvas{width:180px;height:180px;image-rendering:pixelated;background:#000;display:block}
        .pat svg{position:absolute;left:0;top:0;width:180px;height:180px;pointer-events:none}
        .pat div{color:#555}
        #why{background:#fff3cd;border:1px solid #e0c060;padding:6px;display:none}
        .det{stroke:#00e5ff;stroke-width:.006}.pre{stroke:#ff3b30;stroke-width:.005;stroke-dasharray:.02 .012}
        .lab{fill:#ff3b30;font-size:.045px}
        </style></head><body>
        <header><h1 id="title">ebsd view</h1>
        <label>Layer <select id="layer"></select></label>
        <label><input type="checkbox" id="bounds" checked> boundaries</label>
        <button id="zin">+</button><button id="zout">−</button><button id="fit">fit</button>
        <span id="status"></span></header>
        <main><div id="mapbox"><canvas id="map"></canvas><div id="legend"></div></div>
        <aside>
        <div id="why"></div>
        <h2>Point</h2><table id="point"><tr><td>Click the map (arrow keys move; shift-click averages a grain).</td></tr></table>
        <h2>Patterns</h2>
        <label><input type="checkbox" id="showDet" checked> Hough bands detected</label>
        <label><input type="checkbox" id="showPre" checked> bands predicted {hkl}</label>
        <div class="pats">
        <div class="pat"><canvas id="raw"></canvas>
          <svg id="rawBands" viewBox="0 0 1 1" preserveAspectRatio="none"></svg><div id="rawCap">as read</div></div>
        <div class="pat"><canvas id="processed"></canvas>
          <svg id="procBands" viewBox="0 0 1 1" preserveAspectRatio="none"></svg><div>preprocessed for matching</div></div>
        <div class="pat"><canvas id="simulated"></canvas>
          <svg id="simBands" viewBox="0 0 1 1" preserveAspectRatio="none"></svg><div id="simCap">simulated</div></div>
        <div class="pat"><canvas id="blend"></canvas>
          <div>blend <input type="range" id="mix" min="0" max="100" value="50" style="width:110px"></div></div>
        </div>
        <table id="fom"></table>
        <h2>Neighbours</h2><table id="neigh"></table>
        <h2>Grain</h2><table id="grain"></table><button id="avg" disabled>Average this grain</button>
        <div class="pats" id="grainPats" style="display:none">
        <div class="pat"><canvas id="grainAvg"></canvas><div>grain average, preprocessed</div></div>
        <div class="pat"><canvas id="grainSim"></canvas><div>simulated at the mean orientation</div></div></div>
        </aside></main>
        <script>
        "use strict";
        const base = location.pathname.replace(/index\\.html$/, "").replace(/\\/?$/, "/");
        const $ = id => document.getElementById(id);
        const V = window.ebsdViewer = {ready:false, selected:null, patternsShown:null, record:null, views:null, grainViews:null, errors:[]};
        let info, scale = 1, ox = 0, oy = 0, tiles = new Map(), drag = null;
        const cv = $("map"), ctx = cv.getContext("2d");
        async function getJSON(u){ const r = await fetch(base + u);
          if(!r.ok) throw new Error(u + ": " + r.status + " " + (await r.text())); return r.json(); }
        function fmt(v, d=3){ return v == null ? "—" : (typeof v === "number" ? (+v.toFixed(d)).toString() : v); }
        function rows(t, list){ t.innerHTML = list.map(([k,v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join(""); }
        function resize(){ const b = $("mapbox").getBoundingClientRect(); cv.width = b.width; cv.height = b.height; draw(); }
        function fit(){ scale = Math.min(cv.width / info.columns, cv.height / info.rows); ox = 0; oy = 0; draw(); }
        function level(){ return Math.max(0, Math.min(info.topLevel, Math.floor(Math.log2(1 / scale)))); }
        function tileURL(l, x, y){ return `tile/${$("layer").value}/${l}/${x}/${y}${$("bounds").checked ? "-b" : ""}.png`; }
        function draw(){
          if(!info) return;
          ctx.imageSmoothingEnabled = false; ctx.fillStyle = "#777"; ctx.fillRect(0, 0, cv.width, cv.height);
          const l = level(), span = info.tileSize << l, step = 1 << l;
          const x0 = Math.max(0, Math.floor(ox / span)), y0 = Math.max(0, Math.floor(oy / span));
          const x1 = Math.min(Math.ceil(info.columns / span) - 1, Math.floor((ox + cv.width / scale) / span));
          const y1 = Math.min(Math.ceil(info.rows / span) - 1, Math.floor((oy + cv.height / scale) / span));
          let pending = 0;
          for(let ty = y0; ty <= y1; ty++) for(let tx = x0; tx <= x1; tx++){
            const u = tileURL(l, tx, ty); let im = tiles.get(u);
            if(!im){ im = new Image(); im.onload = draw; im.onerror = () => V.errors.push(u); im.src = base + u; tiles.set(u, im);
              if(tiles.size > 600) tiles.delete(tiles.keys().next().value); }
            if(im.complete && im.naturalWidth) ctx.drawImage(im, (tx * span - ox) * scale, (ty * span - oy) * scale,
                                                              im.naturalWidth * step * scale, im.naturalHeight * step * scale);
            else pending++;
          }
          if(V.selected != null){ const r = Math.floor(V.selected / info.columns), c = V.selected % info.columns;
            ctx.strokeStyle = "#f0f"; ctx.lineWidth = 2; const s = Math.max(scale, 6);
            ctx.strokeRect((c + .5 - ox) * scale - s / 2, (r + .5 - oy) * scale - s / 2, s, s); }
          V.tilesPending = pending; V.ready = pending === 0;
        }
        function zoom(f, cx = cv.width / 2, cy = cv.height / 2){
          const mx = ox + cx / scale, my = oy + cy / scale; scale = Math.min(64, Math.max(1 / (2 << info.topLevel), scale * f));
          ox = mx - cx / scale; oy = my - cy / scale; draw(); }
        V.screenPoint = (row, col) => { const b = cv.getBoundingClientRect();
          return {x: b.left + (col + .5 - ox) * scale, y: b.top + (row + .5 - oy) * scale}; };
        V.canvasPixels = id => { const c = $(id); return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data)
          .filter((_, k) => k % 4 === 0); };
        // The test hook (`#select=ROW,COL` in the URL, or from a console): a real click on the map at that point, through
        // the page's own mouse handlers; when its patterns are drawn, what the page shows goes into <pre id="shown">.
        // Zoomed out below one screen pixel per point, the map is first zoomed in around the point (as a user would).
        V.click = (row, col) => new Promise(done => {
          if(scale < 2){ scale = 4; ox = col - cv.width / (2 * scale); oy = row - cv.height / (2 * scale); draw(); }
          const p = V.screenPoint(row, col), opts = {clientX: p.x, clientY: p.y, bubbles: true};
          cv.dispatchEvent(new MouseEvent("mousedown", opts)); cv.dispatchEvent(new MouseEvent("mouseup", opts));
          const i = row * info.columns + col;
          const wait = () => { if(!V.record || V.record.index !== i || (info.patterns && V.patternsShown !== i))
            return setTimeout(wait, 20);
            let out = $("shown"); if(!out){ out = document.createElement("pre"); out.id = "shown"; out.style.display = "none";
              document.body.appendChild(out); }
            out.textContent = JSON.stringify({selected: V.selected, record: V.record, raw: info.patterns ? V.canvasPixels("raw") : null,
              ncc: V.views ? V.views.ncc : null, unavailable: info.patternsUnavailable ?? null, errors: V.errors});
            done(); };
          wait(); });
        function bands(svg, v){
          let s = "";
          if($("showDet").checked) for(const b of v.detectedBands)
            s += `<line class="det" x1="${b.x0}" y1="${b.y0}" x2="${b.x1}" y2="${b.y1}"/>`;
          if($("showPre").checked) for(const b of v.predictedBands){
            s += `<line class="pre" x1="${b.x0}" y1="${b.y0}" x2="${b.x1}" y2="${b.y1}">` +
              `<title>(${b.hkl.join(" ")}) ${b.family}</title></line>`;
            s += `<text class="lab" x="${(b.x0 * .7 + b.x1 * .3).toFixed(3)}"` +
              ` y="${(b.y0 * .7 + b.y1 * .3).toFixed(3)}">${b.family}</text>`; }
          svg.innerHTML = s; }
        function image(url){ return new Promise((ok, bad) => { const im = new Image();
          im.onload = () => ok(im); im.onerror = bad; im.src = url; }); }
        async function paint(id, url){ const c = $(id), x = c.getContext("2d");
          if(!url){ c.width = c.height = 1; x.clearRect(0, 0, 1, 1); return null; }
          const im = await image(url); c.width = im.naturalWidth; c.height = im.naturalHeight; x.drawImage(im, 0, 0); return im; }
        async function blend(){ const v = V.views; if(!v) return; const c = $("blend"), x = c.getContext("2d");
          const a = await image(v.processed); c.width = a.naturalWidth; c.height = a.naturalHeight; x.globalAlpha = 1; x.drawImage(a, 0, 0);
          if(v.simulated){ x.globalAlpha = $("mix").value / 100; x.drawImage(await image(v.simulated), 0, 0); x.globalAlpha = 1; } }
        async function select(i){
          if(i == null || i < 0 || i >= info.rows * info.columns) return;
          V.selected = i; V.patternsShown = null; draw();
          const p = await getJSON("api/point/" + i); if(V.selected !== i) return; V.record = p; showPoint(p);
          if(!info.patterns) return;
          const t0 = performance.now(); const v = await getJSON("api/patterns/" + i); if(V.selected !== i) return;
          await paint("raw", v.raw); await paint("processed", v.processed); await paint("simulated", v.simulated);
          $("rawCap").textContent = "as read" + (v.rawScaling === "as read" ? "" : " (stretched min–max)");
          V.views = v; await blend(); for(const s of ["rawBands", "procBands", "simBands"]) bands($(s), v);
          rows($("fom"), [["NCC measured/simulated", fmt(v.ncc)],
            ["Hough now", v.hough ? `${v.hough.phase} (${v.hough.euler.map(e => fmt(e, 1)).join(", ")})°, ` +
              `${v.hough.bandsMatched} bands matched, CI ${fmt(v.hough.confidence)}` : "no solution"],
            ["bands", `${v.detectedBands.length} detected, ${v.predictedBands.length} predicted`]]);
          V.clickMilliseconds = performance.now() - t0; V.patternsShown = i;
          $("status").textContent = `point ${i}: patterns in ${V.clickMilliseconds.toFixed(0)} ms`; }
        function showPoint(p){
          rows($("point"), [["row, column", `${p.row}, ${p.column}`], ["x, y (µm)", `${fmt(p.x, 2)}, ${fmt(p.y, 2)}`],
            ["phase", p.phase ?? "not indexed"],
            ["Euler φ1 Φ φ2 (°)", p.euler ? p.euler.map(e => fmt(e, 2)).join(", ") : "—"], ["KAM (°)", fmt(p.kam)]]
            .concat(Object.keys(p.properties).sort().map(k => [k, fmt(p.properties[k], 4)])));
          rows($("neigh"), p.neighbours.map(n => [`(${n.row}, ${n.column})`,
            n.disorientation == null ? "—" : fmt(n.disorientation, 2) + "°"]));
          const g = p.grain; $("avg").disabled = !g || !info.patterns; $("avg").dataset.id = g ? g.id : "";
          rows($("grain"), g ? [["id", g.id], ["phase", g.phase], ["points", g.pixels],
            ["area (µm²)", fmt(g.area, 1)], ["ECD (µm)", fmt(g.ecd, 2)],
            ["GOS (°)", fmt(g.gos, 2)], ["largest from mean (°)", fmt(g.maximumSpread, 2)],
              ["mean Euler (°)", g.meanEuler.map(e => fmt(e, 2)).join(", ")],
            ["touches edge", g.touchesEdge ? "yes" : "no"]] : [["", "not in a grain"]]); }
        async function grainAverage(id){
          $("grainPats").style.display = "flex"; const v = await getJSON("api/grain/" + id); V.grainViews = v;
          await paint("grainAvg", v.processed); await paint("grainSim", v.simulated); }
        cv.addEventListener("mousedown", e => { drag = {x: e.clientX, y: e.clientY, ox, oy, moved: false}; });
        window.addEventListener("mousemove", e => { if(!drag) return; const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
          if(Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
            if(drag.moved){ ox = drag.ox - dx / scale; oy = drag.oy - dy / scale; draw(); } });
        window.addEventListener("mouseup", e => { const d = drag; drag = null; if(!d || d.moved || e.target !== cv) return;
          const b = cv.getBoundingClientRect(), c = Math.floor(ox + (e.clientX - b.left) / scale),
            r = Math.floor(oy + (e.clientY - b.top) / scale);
          if(r < 0 || c < 0 || r >= info.rows || c >= info.columns) return; const i = r * info.columns + c;
          select(i).then(() => { if(e.shiftKey && V.record && V.record.grain) grainAverage(V.record.grain.id); })
            .catch(err => V.errors.push(String(err))); });
        cv.addEventListener("wheel", e => { e.preventDefault(); const b = cv.getBoundingClientRect();
          zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - b.left, e.clientY - b.top); }, {passive: false});
        window.addEventListener("keydown", e => { if(V.selected == null || e.target.tagName === "INPUT") return;
          const r = Math.floor(V.selected / info.columns), c = V.selected % info.columns;
          const m = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]}[e.key]; if(!m) return; e.preventDefault();
          const nr = r + m[0], nc = c + m[1];
            if(nr >= 0 && nc >= 0 && nr < info.rows && nc < info.columns) select(nr * info.columns + nc); });
        $("zin").onclick = () => zoom(2); $("zout").onclick = () => zoom(.5); $("fit").onclick = fit;
        $("layer").onchange = () => { legend(); draw(); }; $("bounds").onchange = draw; $("mix").oninput = blend;
        $("showDet").onchange = $("showPre").onchange = () => {
          if(V.views) for(const s of ["rawBands", "procBands", "simBands"]) bands($(s), V.views); };
        $("avg").onclick = () => grainAverage(+$("avg").dataset.id);
        function legend(){ const l = info.layers.find(l => l.id === $("layer").value); let s = l.title;
          if(l.lower != null) s += `: ${fmt(l.lower)} … ${fmt(l.upper)} (1st–99th percentile, blue → yellow)`;
          if(l.id === "phase") s = info.phases.map(p => `<span style="color:${p.colour}">■</span> ${p.name}`).join(" ");
          $("legend").innerHTML = s + ` · HAGB > ${info.highDegrees}° black, LAGB ${info.lowDegrees}–${info.highDegrees}° white`; }
        (async () => {
          try {
            info = await getJSON("api/info"); document.title = "ebsd view: " + info.title;
            $("title").textContent = `${info.title} — ${info.rows} × ${info.columns}, ${info.grains} grains`;
            $("layer").innerHTML = info.layers.map(l => `<option value="${l.id}">${l.title}</option>`).join("");
            if(!info.patterns){ $("why").style.display = "block";
              $("why").textContent = "Patterns unavailable: " + info.patternsUnavailable; }
            else if(!info.simulation){ $("simCap").textContent = "simulated: no master pattern given (--master)"; }
            legend(); resize(); fit(); V.info = info;
            const hook = /select=(\\d+),(\\d+)/.exec(location.hash);
            if(hook) await V.click(+hook[1], +hook[2]);
          } catch(err){ V.errors.push(String(err)); $("status").textContent = String(err); }
        })();
        window.addEventListener("resize", () => { if(info) resize(); });
        </script></body></html>
        """
}
