
--
<?cs var:Lang.Unsubscribe.Mail.Footer ?>
<?cs var:Mail.Unsubscribe ?>
