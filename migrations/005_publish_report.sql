-- The private report of a post's result in chat: where it goes (an interaction or response URL the
-- chat adapter handed over), encrypted like every secret.
ALTER TABLE outbound_posts ADD COLUMN follow_up_enc text;
