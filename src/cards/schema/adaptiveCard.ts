import type { ActionData, ActionMode, ActionStyle, AssociatedInputs, Authentication, BackgroundImage, BlockElementHeight, CardVersion } from './vocabulary.js';
import type { Choice, ChoiceInputStyle, ContainerStyle, Fact, FallbackOption, FontSize, FontType, FontWeight, HorizontalAlignment } from './vocabulary.js';
import type { ImageSize, ImageStyle, MarkdownText, Requires, Spacing, TargetElement, TeamsCardProperties } from './vocabulary.js';
import type { TextBlockStyle, TextColor, TextInputStyle, VerticalAlignment } from './vocabulary.js';
import type { LineChartProperties, VerticalBarChartProperties } from './charts.js';

/*
 * The Adaptive Card schema 1.5 as TypeScript: one interface per element and action, told apart by `type`, so
 * a card built from them is checked property by property (a misspelt `wrp` or `isSubtel` does not compile).
 * Cards hold elements, elements hold actions and actions (ShowCard) hold cards: the types are one cycle, so
 * they live in one file (a type import counts as an import for madge). Property names follow the schema.
 */

/** What every element may carry. */
interface ElementBase {
  id?: string;
  isVisible?: boolean;
  separator?: boolean;
  spacing?: Spacing;
  height?: BlockElementHeight;
  requires?: Requires;
  /** Drawn instead when the host cannot render this element (or `requires` is not met). */
  fallback?: CardElement | FallbackOption;
}

export interface TextBlock extends ElementBase {
  type: 'TextBlock';
  text: MarkdownText;
  color?: TextColor;
  fontType?: FontType;
  horizontalAlignment?: HorizontalAlignment;
  isSubtle?: boolean;
  maxLines?: number;
  size?: FontSize;
  weight?: FontWeight;
  wrap?: boolean;
  style?: TextBlockStyle;
}

/** A run of text inside a RichTextBlock: no Markdown, its own formatting. */
export interface TextRun {
  type: 'TextRun';
  text: string;
  color?: TextColor;
  fontType?: FontType;
  highlight?: boolean;
  isSubtle?: boolean;
  italic?: boolean;
  selectAction?: SelectAction;
  size?: FontSize;
  strikethrough?: boolean;
  underline?: boolean;
  weight?: FontWeight;
}

export interface RichTextBlock extends ElementBase {
  type: 'RichTextBlock';
  inlines: Array<TextRun | string>;
  horizontalAlignment?: HorizontalAlignment;
}

export interface Image extends ElementBase {
  type: 'Image';
  url: string;
  /** What a screen reader says: every meaningful image needs one. */
  altText?: string;
  backgroundColor?: string;
  horizontalAlignment?: HorizontalAlignment;
  selectAction?: SelectAction;
  size?: ImageSize;
  style?: ImageStyle;
  /** In pixels ("50px"); `height` is the element's own (auto, stretch) or pixels too. */
  width?: string;
}

export interface ImageSet extends ElementBase {
  type: 'ImageSet';
  images: Image[];
  imageSize?: ImageSize;
}

export interface FactSet extends ElementBase {
  type: 'FactSet';
  facts: Fact[];
}

/** What a Container, a Column, a table cell and a card share: a background, a minimum height, a direction. */
interface ContainerLayout {
  selectAction?: SelectAction;
  style?: ContainerStyle;
  verticalContentAlignment?: VerticalAlignment;
  /** Lets the container's background reach the edges of its parent. */
  bleed?: boolean;
  backgroundImage?: BackgroundImage | string;
  minHeight?: string;
  /** Right to left: true, false, or unset to inherit. */
  rtl?: boolean;
}

export interface Container extends ElementBase, ContainerLayout {
  type: 'Container';
  items: CardElement[];
}

export interface Column extends Omit<ElementBase, 'fallback'>, ContainerLayout {
  type: 'Column';
  items?: CardElement[];
  /** "auto", "stretch", a weight (2) or pixels ("50px"). */
  width?: string | number;
  fallback?: Column | FallbackOption;
}

export interface ColumnSet extends ElementBase {
  type: 'ColumnSet';
  columns?: Column[];
  selectAction?: SelectAction;
  style?: ContainerStyle;
  bleed?: boolean;
  minHeight?: string;
  horizontalAlignment?: HorizontalAlignment;
}

export interface TableCell extends ContainerLayout {
  type: 'TableCell';
  items: CardElement[];
}

export interface Table extends ElementBase {
  type: 'Table';
  columns?: Array<{ width?: string | number; horizontalCellContentAlignment?: HorizontalAlignment; verticalCellContentAlignment?: VerticalAlignment }>;
  rows?: Array<{ type: 'TableRow'; cells?: TableCell[]; style?: ContainerStyle }>;
  /** Announced as column headers (default true). The docs page says firstRowAsHeader; renderers read this. */
  firstRowAsHeaders?: boolean;
  showGridLines?: boolean;
  gridStyle?: ContainerStyle;
  horizontalCellContentAlignment?: HorizontalAlignment;
  verticalCellContentAlignment?: VerticalAlignment;
}

/** Teams' bar chart (charts.ts); a host without charts shows its fallback. */
export interface VerticalBarChart extends ElementBase, VerticalBarChartProperties {
  type: 'Chart.VerticalBar';
}

export interface LineChart extends ElementBase, LineChartProperties {
  type: 'Chart.Line';
}

export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: CardAction[];
}

/** What every input carries: an id (the key its value is sent under), a label, and its validation. */
interface InputBase extends ElementBase {
  id: string;
  label?: string;
  isRequired?: boolean;
  /** Said when validation fails; 1.5 hosts require a label and this on a required input. */
  errorMessage?: string;
}

export interface TextInput extends InputBase {
  type: 'Input.Text';
  isMultiline?: boolean;
  maxLength?: number;
  placeholder?: string;
  regex?: string;
  style?: TextInputStyle;
  inlineAction?: SelectAction;
  value?: string;
}

export interface NumberInput extends InputBase {
  type: 'Input.Number';
  max?: number;
  min?: number;
  placeholder?: string;
  value?: number;
}

/** Dates are YYYY-MM-DD, times HH:MM, in value, min and max alike. */
export interface DateInput extends InputBase {
  type: 'Input.Date';
  max?: string;
  min?: string;
  placeholder?: string;
  value?: string;
}

export interface TimeInput extends InputBase {
  type: 'Input.Time';
  max?: string;
  min?: string;
  placeholder?: string;
  value?: string;
}

export interface ToggleInput extends InputBase {
  type: 'Input.Toggle';
  title: string;
  value?: string;
  valueOff?: string;
  valueOn?: string;
  wrap?: boolean;
}

export interface ChoiceSetInput extends InputBase {
  type: 'Input.ChoiceSet';
  choices?: Choice[];
  /** Teams' typeahead search over a dataset the bot answers (application/search invokes). */
  'choices.data'?: { type: 'Data.Query'; dataset: string };
  isMultiSelect?: boolean;
  style?: ChoiceInputStyle;
  /** The chosen value; for a multi-select, the values joined by commas. */
  value?: string;
  placeholder?: string;
  wrap?: boolean;
}

export type InputElement = TextInput | NumberInput | DateInput | TimeInput | ToggleInput | ChoiceSetInput;

/** Every element a card's body (or a container's items) may hold. */
export type CardElement = TextBlock | RichTextBlock | Image | ImageSet | FactSet | Container | ColumnSet | Table | ActionSet | InputElement | VerticalBarChart | LineChart;

/** What every action may carry. */
interface ActionBase {
  id?: string;
  title?: string;
  iconUrl?: string;
  style?: ActionStyle;
  /** The accessible description and hover text of the button (1.5). */
  tooltip?: string;
  isEnabled?: boolean;
  mode?: ActionMode;
  requires?: Requires;
  fallback?: CardAction | FallbackOption;
}

/** A Universal Action (1.4): the bot receives an adaptiveCard/action invoke with the verb and data. */
export interface ExecuteAction extends ActionBase {
  type: 'Action.Execute';
  verb?: string;
  data?: ActionData;
  associatedInputs?: AssociatedInputs;
}

export interface SubmitAction extends ActionBase {
  type: 'Action.Submit';
  /** Teams reads `data.msteams` (messageBack, imBack, invoke, signin) to choose how the submit is sent. */
  data?: ActionData | string;
  associatedInputs?: AssociatedInputs;
}

export interface OpenUrlAction extends ActionBase {
  type: 'Action.OpenUrl';
  url: string;
}

export interface ShowCardAction extends ActionBase {
  type: 'Action.ShowCard';
  card: ShownCard;
}

export interface ToggleVisibilityAction extends ActionBase {
  type: 'Action.ToggleVisibility';
  /** Element ids (toggled) or ids with the visibility to set. */
  targetElements: Array<string | TargetElement>;
}

export type CardAction = ExecuteAction | SubmitAction | OpenUrlAction | ShowCardAction | ToggleVisibilityAction;

/** What a tap on an element, a text run or an input's inline button may do: any action but showing a card. */
export type SelectAction = Exclude<CardAction, ShowCardAction>;

/** The body and actions of a card, top-level or shown by an Action.ShowCard. */
export interface ShownCard extends Omit<ContainerLayout, 'bleed' | 'style'> {
  type: 'AdaptiveCard';
  body?: CardElement[];
  actions?: CardAction[];
  fallbackText?: string;
  speak?: string;
  lang?: string;
}

/**
 * Universal Actions refresh (1.4): the host sends `action` for the users named in userIds (up to 60) whenever
 * it shows them the card, and shows the card the bot answers with in its place.
 */
export interface Refresh {
  action: ExecuteAction;
  userIds?: string[];
  expires?: string;
}

/** A card as posted, sent as an invoke's answer or shown in the tab. */
export interface AdaptiveCard extends ShownCard {
  $schema?: string;
  version: CardVersion;
  refresh?: Refresh;
  authentication?: Authentication;
  /** Where the card's content lives on the web, for hosts that link to it. */
  metadata?: { webUrl?: string };
  msteams?: TeamsCardProperties;
}
