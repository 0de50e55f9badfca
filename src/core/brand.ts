declare const brand: unique symbol

/** A nominal type: `T` tagged with `B` so that, say, millimetres and m³/s never mix. */
export type Brand<T, B extends string> = T & { readonly [brand]: B }

/** A depth of water over a catchment, in millimetres (per time step where it is a flux). */
export type Millimetres = Brand<number, 'mm'>
/** A discharge in cubic metres per second. */
export type CubicMetresPerSecond = Brand<number, 'm3/s'>
/** An area in square kilometres. */
export type SquareKilometres = Brand<number, 'km2'>
/** An elevation in metres above sea level. */
export type Metres = Brand<number, 'm'>
/** Milliseconds since 1970-01-01T00:00:00Z. */
export type EpochMs = Brand<number, 'EpochMs'>
