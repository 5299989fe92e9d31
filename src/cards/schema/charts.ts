/*
 * The chart elements Teams renders in Adaptive Cards (learn.microsoft.com, "Charts in Adaptive Cards"): their
 * own properties, which adaptiveCard.ts joins with what every element carries. Hosts without charts (the
 * Adaptive Cards renderer of our tab, older clients) show the element's `fallback` instead.
 */

/** A named set of colours Teams draws a chart's series in ("categorical", "sequential", "diverging"…). */
export type ChartColorSet = string;

/** What the cartesian charts share: a title and the axes' titles. */
export interface CartesianChartProperties {
  title?: string;
  xAxisTitle?: string;
  yAxisTitle?: string;
  colorSet?: ChartColorSet;
  /** One of the colour set's names ("good", "warning", "categoricalBlue"…), for every bar or line. */
  color?: string;
}

/** One bar: its label on the x axis and its height. */
export interface VerticalBarChartDataValue {
  x: string | number;
  y: number;
  color?: string;
}

export interface VerticalBarChartProperties extends CartesianChartProperties {
  data: VerticalBarChartDataValue[];
  /** Writes each bar's value over it. */
  showBarValues?: boolean;
}

/** One line: its legend and its points. */
export interface LineChartData {
  legend?: string;
  values: Array<{ x: string | number; y: number }>;
  color?: string;
}

export interface LineChartProperties extends CartesianChartProperties {
  data: LineChartData[];
}
