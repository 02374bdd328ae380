/*
 * The report page's own script (inlined by render.ts after the chart library): draws the charts
 * from the data embedded in #report-data, with the fault windows shaded behind the series, and
 * marks the partner line (invocation or completion) of the history line a link jumps to.
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var drawn = 0;

  // Fault windows are painted on the chart's own canvas, before its series, in its x scale.
  var faultShading = {
    hooks: {
      drawClear: [
        function (u) {
          var ctx = u.ctx;
          var box = u.bbox;
          ctx.save();
          ctx.beginPath();
          ctx.rect(box.left, box.top, box.width, box.height);
          ctx.clip();
          data.faults.forEach(function (f, i) {
            var x0 = u.valToPos(f.startS, 'x', true);
            var x1 = u.valToPos(f.endS, 'x', true);
            ctx.fillStyle = f.color;
            ctx.fillRect(x0, box.top, Math.max(1, x1 - x0), box.height);
            ctx.fillStyle = f.label;
            ctx.font = Math.round(11 * devicePixelRatio) + 'px sans-serif';
            ctx.fillText(f.fault, x0 + 3 * devicePixelRatio, box.top + (12 + 12 * (i % 3)) * devicePixelRatio);
          });
          ctx.restore();
        },
      ],
      draw: [
        function (u) {
          if (u.root.dataset.drawn) return;
          u.root.dataset.drawn = 'true';
          document.body.setAttribute('data-charts-drawn', String(++drawn));
        },
      ],
    },
  };

  function chart(id, yLabel, series, columns) {
    var el = document.getElementById(id);
    var opts = {
      width: Math.max(300, el.clientWidth),
      height: 280,
      scales: { x: { time: false, range: [0, Math.max(1, data.durationS)] } },
      axes: [{ label: 'seconds since the first event' }, { label: yLabel, size: 60 }],
      series: [{ label: 'second' }].concat(series),
      plugins: [faultShading],
    };
    var plot = new uPlot(opts, [data.seconds].concat(columns), el);
    window.addEventListener('resize', function () {
      plot.setSize({ width: Math.max(300, el.clientWidth), height: 280 });
    });
    return plot;
  }

  var tputSeries = [{ label: 'ok, all', stroke: '#222', width: 2 }];
  var tputColumns = [data.ok];
  data.kinds.forEach(function (k) {
    tputSeries.push({ label: 'ok, ' + k, stroke: data.kindColors[k], width: 1 });
    tputColumns.push(data.okByKind[k]);
  });
  tputSeries.push({ label: 'failed', stroke: '#c62828', width: 1, dash: [6, 4] });
  tputColumns.push(data.fail);
  tputSeries.push({ label: 'unknown', stroke: '#ef6c00', width: 1, dash: [2, 3] });
  tputColumns.push(data.info);
  chart('chart-throughput', 'operations / s', tputSeries, tputColumns);

  var latSeries = [
    { label: 'p50, all', stroke: '#222', width: 2, dash: [6, 4] },
    { label: 'p99, all', stroke: '#222', width: 2 },
  ];
  var latColumns = [data.latency.p50, data.latency.p99];
  data.kinds.forEach(function (k) {
    // Per kind p50s start hidden (click their legend entry): eight lines at once are unreadable.
    latSeries.push({ label: 'p50, ' + k, stroke: data.kindColors[k], width: 1, dash: [6, 4], show: false });
    latColumns.push(data.latencyByKind[k].p50);
    latSeries.push({ label: 'p99, ' + k, stroke: data.kindColors[k], width: 1 });
    latColumns.push(data.latencyByKind[k].p99);
  });
  chart('chart-latency', 'latency, ms', latSeries, latColumns);

  function markPair() {
    var old = document.querySelectorAll('tr.pair');
    for (var i = 0; i < old.length; i++) old[i].classList.remove('pair');
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    var pair = target && target.getAttribute('data-pair');
    var row = pair ? document.getElementById('L' + pair) : null;
    if (row) row.classList.add('pair');
  }
  window.addEventListener('hashchange', markPair);
  markPair();
})();
