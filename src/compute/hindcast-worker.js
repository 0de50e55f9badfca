// Entry point of the hindcast worker thread: loads the TypeScript handler through tsx's scoped
// import, as model-worker.js does for the model pool (see README.md, "Loading TypeScript in
// the workers").
import { tsImport } from 'tsx/esm/api'

await tsImport('./hindcast-worker.ts', import.meta.url)
