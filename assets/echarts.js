// Luoshi's own ECharts build: only the charts and components its pages use (issue 17, finding 8).
// `npm run build` (run by `make install`) bundles this file into build/charts/echarts.min.js, which
// Django serves as static/vendor/charts/echarts.min.js; luoshi/static/luoshi/js/charts.js loads it
// after the content. A page that needs another chart type or component adds it here (see
// docs/frontend.md) — the full bundle is no longer loaded by any page.
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendPlainComponent,
  MarkLineComponent,
  TooltipComponent
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  AriaComponent,
  GridComponent,
  LegendPlainComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer
]);

export default echarts;
export var init = echarts.init;
export var use = echarts.use;
export var getInstanceByDom = echarts.getInstanceByDom;
