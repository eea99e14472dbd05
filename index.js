// n8n loads the node and credential through the "n8n" section of package.json; this entry point
// only keeps `require('n8n-nodes-replicas')` from failing.
module.exports = {};
