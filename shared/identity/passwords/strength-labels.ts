/**
 * The strength estimate's labels, by score (0 to 4). Apart from strength.ts so that the route
 * table (and so every password route's bundle) can name them without loading the estimator.
 */
export const STRENGTH_LABELS = ['very weak', 'weak', 'fair', 'strong', 'very strong'] as const;
export type StrengthLabel = (typeof STRENGTH_LABELS)[number];
