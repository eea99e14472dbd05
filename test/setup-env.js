// n8n reads its log level when its logger is first built: debug, so the secret checks see all.
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_OUTPUT = 'console';
