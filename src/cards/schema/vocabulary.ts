/**
 * The value sets of the Adaptive Card schema 1.5 (adaptivecards.io/schemas/adaptive-card.json), as the
 * elements in adaptiveCard.ts use them. A renderer reads every enum value case-insensitively, and our cards
 * already send both spellings ('Tel' as the 1.0 samples wrote it, 'compact' as 1.5 does): AnyCase admits the
 * schema's word in either case and still rejects a misspelt one.
 */
export type AnyCase<T extends string> = T | Capitalize<T> | Uncapitalize<T>;

/** The version every card of ours declares: 1.5 is the highest Teams renders. */
export type CardVersion = '1.0' | '1.1' | '1.2' | '1.3' | '1.4' | '1.5';

export type Spacing = AnyCase<'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding'>;
export type TextColor = AnyCase<'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention'>;
export type FontSize = AnyCase<'Default' | 'Small' | 'Medium' | 'Large' | 'ExtraLarge'>;
export type FontWeight = AnyCase<'Default' | 'Lighter' | 'Bolder'>;
export type FontType = AnyCase<'Default' | 'Monospace'>;
export type HorizontalAlignment = AnyCase<'Left' | 'Center' | 'Right'>;
export type VerticalAlignment = AnyCase<'Top' | 'Center' | 'Bottom'>;
export type BlockElementHeight = AnyCase<'auto' | 'stretch'>;
/** The tinted backgrounds a host config defines for containers (banner.ts picks one per banner kind). */
export type ContainerStyle = AnyCase<'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent'>;
/** `heading` makes screen readers announce the text as a heading (1.5). */
export type TextBlockStyle = AnyCase<'default' | 'heading'>;
export type ImageStyle = AnyCase<'default' | 'person'>;
export type ImageSize = AnyCase<'Auto' | 'Stretch' | 'Small' | 'Medium' | 'Large'>;
export type ImageFillMode = AnyCase<'cover' | 'repeatHorizontally' | 'repeatVertically' | 'repeat'>;
export type ActionStyle = AnyCase<'default' | 'positive' | 'destructive'>;
/** `secondary` actions go into the host's overflow menu (1.5). */
export type ActionMode = AnyCase<'primary' | 'secondary'>;
/** Which inputs an Action.Execute or Action.Submit validates and sends (1.3): its card's and those around it, or none. */
export type AssociatedInputs = AnyCase<'auto' | 'none'>;
export type TextInputStyle = AnyCase<'text' | 'tel' | 'url' | 'email' | 'password'>;
export type ChoiceInputStyle = AnyCase<'compact' | 'expanded' | 'filtered'>;

/** What a host that cannot render an element does instead: drop it, or show the fallback element. */
export type FallbackOption = 'drop';

/** Host features an element needs, by name and minimum version ("adaptiveCards": "1.5"). */
export type Requires = Record<string, string>;

/** A string that the renderer reads as Markdown (TextBlock.text, Fact.value); see elements.ts plain(). */
export type MarkdownText = string;

export interface Fact {
  title: string;
  value: MarkdownText;
}

export interface Choice {
  title: string;
  value: string;
}

/** One element an Action.ToggleVisibility shows, hides or toggles (isVisible omitted). */
export interface TargetElement {
  elementId: string;
  isVisible?: boolean;
}

export interface BackgroundImage {
  url: string;
  fillMode?: ImageFillMode;
  horizontalAlignment?: HorizontalAlignment;
  verticalAlignment?: VerticalAlignment;
}

/** Data sent with an action: any JSON object; Teams adds the inputs' values beside it. */
export type ActionData = Record<string, unknown>;

/** Single sign-on for Universal Actions: the bot's OAuth connection and the token exchange resource. */
export interface Authentication {
  text?: string;
  connectionName?: string;
  tokenExchangeResource?: { id: string; uri: string; providerId: string };
  buttons?: Array<{ type: 'signin'; title?: string; image?: string; value: string }>;
}

/** Teams' own card properties: full width, and the people a TextBlock's <at>name</at> mentions. */
export interface TeamsCardProperties {
  width?: 'Full';
  entities?: Array<{ type: 'mention'; text: string; mentioned: { id: string; name: string } }>;
}
