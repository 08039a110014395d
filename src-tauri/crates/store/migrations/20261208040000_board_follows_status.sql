-- The board shows every post in the column for its status (issue #15): a post whose status
-- changes (scheduled -> published, draft -> scheduled, ...) leaves the column it was in, closing
-- the gap there, and the board puts it at the end of the column for its new status when it next
-- loads. Done here so it holds whichever process changed the status (the app, `outpost run`).
CREATE TRIGGER posts_board_follows_status AFTER UPDATE OF status ON posts
WHEN NEW.status IS NOT OLD.status AND OLD.board_column_id IS NOT NULL
BEGIN
    UPDATE posts SET board_position = board_position - 1
     WHERE board_column_id = OLD.board_column_id AND board_position > OLD.board_position;
    UPDATE ideas SET board_position = board_position - 1
     WHERE board_column_id = OLD.board_column_id AND board_position > OLD.board_position;
    UPDATE posts SET board_column_id = NULL, board_position = 0 WHERE id = NEW.id;
END;
