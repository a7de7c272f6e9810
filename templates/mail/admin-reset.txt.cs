Subject: <?cs var:Lang.Mail.Reset.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Mail.Reset.IntroText ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Mail.Reset.Expiry ?>
<?cs var:Lang.Mail.Login.NotYou ?>

Fidèle · <?cs var:Shop.Name ?>
