Subject: <?cs var:Lang.Unsubscribe.Mail.TestSubject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Unsubscribe.Mail.TestIntro ?>

<?cs var:Shop.Name ?>
