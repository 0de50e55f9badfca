// The map's web worker: built as its own entry so it shares code with the page (see maplibre-source.js).
// @ts-expect-error maplibre's sources are not part of the type-checked program
import 'maplibre-source/source/worker.ts'
