-- A copy of the database (staging, tests) must not reach real Telegram users: accounts are
-- disconnected, pending notifications dropped, the bot user's API keys revoked and the bot's
-- username forgotten, so no worker can serve the copy until an administrator sets it up.
UPDATE purchase_bot_link
   SET active = FALSE;
DELETE FROM purchase_bot_outbox
 WHERE state = 'pending';
DELETE FROM res_users_apikeys
 WHERE user_id IN (SELECT res_id FROM ir_model_data
                    WHERE module = 'purchase_bot' AND name = 'user_telegram_bot');
UPDATE ir_config_parameter
   SET value = ''
 WHERE key = 'purchase_bot.bot_username';
