// Luoshi's own ECharts build, part 1 of 2: the core every chart page loads (issue 17, finding 8):
// bar and line charts; grid, tooltip, plain legend, markLine, aria; the canvas renderer.
// `npm run build` (run by `make install`) bundles this file and assets/echarts-extra.js as ES modules
// into build/charts/ (served as static/vendor/charts/): echarts-core.js, echarts-extra.js and the chunk
// they share (ECharts' own core and ZRender), so a page that needs the extra charts downloads only the
// extra part on top of the core. luoshi/static/luoshi/js/charts.js adds them as module scripts after
// the content; this part sets window.echarts.
// A chart type or component a page needs goes here if most chart pages use it, else into
// assets/echarts-extra.js (see docs/frontend.md).
import { getInstanceByDom, init, use } from "echarts/core";
// Straight from the modules, not through the "echarts/charts" and "echarts/components" lists: through
// those lists the bundler counts every chart as reachable from here, and the extra part's charts would
// end up in the shared chunk that every chart page loads.
import { install as BarChart } from "../node_modules/echarts/lib/chart/bar/install.js";
import { install as LineChart } from "../node_modules/echarts/lib/chart/line/install.js";
import { install as AriaComponent } from "../node_modules/echarts/lib/component/aria/install.js";
import { install as GridComponent } from "../node_modules/echarts/lib/component/grid/install.js";
import { install as LegendPlainComponent } from "../node_modules/echarts/lib/component/legend/installLegendPlain.js";
import { install as MarkLineComponent } from "../node_modules/echarts/lib/component/marker/installMarkLine.js";
import { install as TooltipComponent } from "../node_modules/echarts/lib/component/tooltip/install.js";
import { install as CanvasRenderer } from "../node_modules/echarts/lib/renderer/installCanvasRenderer.js";

use([
  BarChart,
  LineChart,
  AriaComponent,
  GridComponent,
  LegendPlainComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer
]);

// Loaded as a module script (type="module"), it hands the page what the chart helper calls.
window.echarts = { init: init, use: use, getInstanceByDom: getInstanceByDom };
