
-- 
<?cs var:Lang.Unsubscribe.Mail.Footer ?>
<?cs if:Mail.Unsubscribe ?><?cs var:Mail.Unsubscribe ?><?cs else ?><?cs var:Lang.Mail.UnsubscribeSample ?><?cs /if ?>
