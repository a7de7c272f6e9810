Subject: <?cs var:Lang.Mail.Unknown.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Mail.Unknown.Intro ?>

<?cs var:Lang.Mail.Unknown.Check ?>

<?cs var:Lang.Mail.Unknown.NotYou ?>

<?cs var:Shop.Name ?>
