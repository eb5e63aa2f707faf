// Luoshi's own ECharts build, part 2 of 2: the charts only some pages use, loaded on top of
// assets/echarts-core.js by a page that asks for them (`{% chart_scripts extra=True %}`): the radar
// chart (an assessment result's sections). It shares ECharts' core with part 1 (one chunk, one
// registry). Add a heatmap, gauge, pie, map… here, never to the core. See docs/frontend.md.
import { use } from "echarts/core";
// Straight from the modules (see assets/echarts-core.js for why).
import { install as RadarChart } from "../node_modules/echarts/lib/chart/radar/install.js";
import { install as RadarComponent } from "../node_modules/echarts/lib/component/radar/install.js";

use([RadarChart, RadarComponent]);

export var extra = ["radar"];
