export { activate, activeModel, findModel, listModels, modelId, NETWORK_SCOPE, registerCandidate, type ModelRow, type ModelTarget, type NewModel } from './registry.js';
